from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class BudgetUploadForm(forms.Form):
    year = forms.IntegerField(label=_("Fiscal year"), min_value=1991, max_value=2200)
    file = forms.FileField(
        label=_("File"),
        help_text=_("CSV, XLSX or a Fiscal Data Package (.zip) with the columns direction, "
                    "cofog, economic_code, admin_unit, programme, name_ky, name_ru, name_en, "
                    "approved, revised, executed."))
    executed_on = forms.DateField(label=_("Executed amounts as of"), required=False,
                                  widget=forms.DateInput(attrs={"type": "date"}))
    population = forms.IntegerField(label=_("Population"), min_value=0, required=False,
                                    help_text=_("Leave empty to keep the year's population."))

    MAX_BYTES = 20 * 1024 * 1024

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 20 MB."))
        return upload
