from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from shaar.lib import uploadlimits
from shaar.lib.uploads import too_big


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

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > uploadlimits.max_bytes("openbudget"):
            raise too_big(uploadlimits.max_bytes("openbudget"))
        return upload
