# Django's own ky formats use "." for decimals; Kyrgyz practice (and CLDR) uses ",",
# with a no-break space between thousands, as in Russian.
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "\xa0"
NUMBER_GROUPING = 3
# CLDR's long date, "2026-ж., 25-декабрь"; the lower-case month names come from the web
# catalogue (context "alt. month"), as Django's own ky ones are capitalised.
DATE_FORMAT = r"Y-\ж., j-E"
SHORT_DATE_FORMAT = "d.m.Y"
DATETIME_FORMAT = r"Y-\ж., j-E, H:i"
SHORT_DATETIME_FORMAT = "d.m.Y H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j-E"
