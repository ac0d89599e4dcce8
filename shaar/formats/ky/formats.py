# Django's own ky formats use "." for decimals; Kyrgyz practice (and CLDR) uses ",",
# with a no-break space between thousands, as in Russian.
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "\xa0"
NUMBER_GROUPING = 3
DATE_FORMAT = "j-E, Y"
SHORT_DATE_FORMAT = "d.m.Y"
DATETIME_FORMAT = "j-E, Y, H:i"
SHORT_DATETIME_FORMAT = "d.m.Y H:i"
