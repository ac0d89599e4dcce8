"""COFOG, the UN Classification of the Functions of Government, as used in the IMF GFS
manual: divisions 701–710 and their groups (7011 …), named in each interface language.

Reference data, not city content: it lives in code so that every installation and every
exported file agrees on it. Codes are accepted in the GFS form ("709", "7091") and in the
COFOG form ("09", "09.1"); they are stored in the GFS form.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import get_language


@dataclass(frozen=True)
class Function:
    code: str  # GFS form: "709" (division) or "7091" (group)
    name_ky: str
    name_ru: str
    name_en: str

    @property
    def name(self) -> str:
        current = (get_language() or settings.LANGUAGE_CODE)[:2]
        return getattr(self, f"name_{current}", "") or self.name_en

    @property
    def is_division(self) -> bool:
        return len(self.code) == 3

    @property
    def cofog_code(self) -> str:
        """The code in COFOG notation: 709 → "09", 7091 → "09.1"."""
        division = self.code[1:3]
        return division if self.is_division else f"{division}.{self.code[3:]}"


_DIVISIONS = [
    ("701", "Жалпы мамлекеттик кызматтар", "Государственные услуги общего назначения",
     "General public services"),
    ("702", "Коргоо", "Оборона", "Defence"),
    ("703", "Коомдук тартип жана коопсуздук", "Общественный порядок и безопасность",
     "Public order and safety"),
    ("704", "Экономикалык иштер", "Экономические вопросы", "Economic affairs"),
    ("705", "Айлана-чөйрөнү коргоо", "Охрана окружающей среды", "Environmental protection"),
    ("706", "Турак жай-коммуналдык чарба", "Жилищно-коммунальное хозяйство",
     "Housing and community amenities"),
    ("707", "Саламаттыкты сактоо", "Здравоохранение", "Health"),
    ("708", "Эс алуу, маданият жана дин", "Отдых, культура и религия",
     "Recreation, culture and religion"),
    ("709", "Билим берүү", "Образование", "Education"),
    ("710", "Социалдык коргоо", "Социальная защита", "Social protection"),
]

_GROUPS = [
    ("7011", "Аткаруу жана мыйзам чыгаруу органдары, финансылык жана салык иштери, тышкы иштер",
     "Исполнительные и законодательные органы, финансово-бюджетная деятельность, "
     "внешние сношения",
     "Executive and legislative organs, financial and fiscal affairs, external affairs"),
    ("7012", "Чет өлкөлөргө экономикалык жардам", "Экономическая помощь зарубежным странам",
     "Foreign economic aid"),
    ("7013", "Жалпы мүнөздөгү кызматтар", "Услуги общего характера", "General services"),
    ("7014", "Фундаменталдык изилдөөлөр", "Фундаментальные исследования", "Basic research"),
    ("7015", "Жалпы мамлекеттик кызматтар чөйрөсүндөгү изилдөөлөр жана иштеп чыгуулар",
     "Исследования и разработки в области государственных услуг общего назначения",
     "R&D general public services"),
    ("7016", "Башка жалпы мамлекеттик кызматтар",
     "Прочие государственные услуги общего назначения", "General public services n.e.c."),
    ("7017", "Мамлекеттик карызды тейлөө", "Операции, связанные с государственным долгом",
     "Public debt transactions"),
    ("7018", "Бийликтин деңгээлдеринин ортосундагы жалпы мүнөздөгү трансферттер",
     "Трансферты общего характера между различными уровнями государственного управления",
     "Transfers of a general character between different levels of government"),
    ("7021", "Аскердик коргоо", "Военная оборона", "Military defence"),
    ("7022", "Жарандык коргонуу", "Гражданская оборона", "Civil defence"),
    ("7023", "Чет өлкөлөргө аскердик жардам", "Военная помощь зарубежным странам",
     "Foreign military aid"),
    ("7024", "Коргоо чөйрөсүндөгү изилдөөлөр жана иштеп чыгуулар",
     "Исследования и разработки в области обороны", "R&D defence"),
    ("7025", "Коргоо чөйрөсүндөгү башка иштер", "Прочие вопросы обороны", "Defence n.e.c."),
    ("7031", "Полиция кызматтары", "Услуги полиции", "Police services"),
    ("7032", "Өрткө каршы кызматтар", "Услуги противопожарной защиты",
     "Fire-protection services"),
    ("7033", "Соттор", "Суды", "Law courts"),
    ("7034", "Түрмөлөр", "Тюрьмы", "Prisons"),
    ("7035", "Коомдук тартип жана коопсуздук чөйрөсүндөгү изилдөөлөр жана иштеп чыгуулар",
     "Исследования и разработки в области общественного порядка и безопасности",
     "R&D public order and safety"),
    ("7036", "Коомдук тартип жана коопсуздук чөйрөсүндөгү башка иштер",
     "Прочие вопросы общественного порядка и безопасности",
     "Public order and safety n.e.c."),
    ("7041", "Жалпы экономикалык, соода жана эмгек иштери",
     "Общие экономические, коммерческие и трудовые вопросы",
     "General economic, commercial and labour affairs"),
    ("7042", "Айыл, токой, балык чарбасы жана аңчылык",
     "Сельское хозяйство, лесное хозяйство, рыболовство и охота",
     "Agriculture, forestry, fishing and hunting"),
    ("7043", "Отун жана энергетика", "Топливо и энергетика", "Fuel and energy"),
    ("7044", "Тоо-кен өнөр жайы, иштетүү өнөр жайы жана курулуш",
     "Горнодобывающая промышленность, обрабатывающая промышленность и строительство",
     "Mining, manufacturing and construction"),
    ("7045", "Транспорт", "Транспорт", "Transport"),
    ("7046", "Байланыш", "Связь", "Communication"),
    ("7047", "Башка тармактар", "Другие отрасли", "Other industries"),
    ("7048", "Экономикалык иштер чөйрөсүндөгү изилдөөлөр жана иштеп чыгуулар",
     "Исследования и разработки в области экономических вопросов",
     "R&D economic affairs"),
    ("7049", "Башка экономикалык иштер", "Прочие экономические вопросы",
     "Economic affairs n.e.c."),
    ("7051", "Калдыктарды башкаруу", "Удаление отходов", "Waste management"),
    ("7052", "Агын сууларды башкаруу", "Удаление сточных вод", "Waste water management"),
    ("7053", "Булганууну азайтуу", "Борьба с загрязнением окружающей среды",
     "Pollution abatement"),
    ("7054", "Биологиялык ар түрдүүлүктү жана ландшафтты коргоо",
     "Защита биоразнообразия и ландшафта", "Protection of biodiversity and landscape"),
    ("7055", "Айлана-чөйрөнү коргоо чөйрөсүндөгү изилдөөлөр жана иштеп чыгуулар",
     "Исследования и разработки в области охраны окружающей среды",
     "R&D environmental protection"),
    ("7056", "Айлана-чөйрөнү коргоо боюнча башка иштер",
     "Прочая деятельность по охране окружающей среды", "Environmental protection n.e.c."),
    ("7061", "Турак жай курулушу", "Развитие жилищного хозяйства", "Housing development"),
    ("7062", "Коомчулукту өнүктүрүү", "Развитие коммунального хозяйства",
     "Community development"),
    ("7063", "Суу менен камсыздоо", "Водоснабжение", "Water supply"),
    ("7064", "Көчөлөрдү жарыктандыруу", "Уличное освещение", "Street lighting"),
    ("7065", "Турак жай-коммуналдык чарба чөйрөсүндөгү изилдөөлөр жана иштеп чыгуулар",
     "Исследования и разработки в области жилищно-коммунального хозяйства",
     "R&D housing and community amenities"),
    ("7066", "Турак жай-коммуналдык чарбанын башка иштери",
     "Прочие вопросы жилищно-коммунального хозяйства",
     "Housing and community amenities n.e.c."),
    ("7071", "Медициналык продукция, жабдуулар жана аппаратура",
     "Медицинская продукция, приспособления и оборудование",
     "Medical products, appliances and equipment"),
    ("7072", "Амбулатордук кызматтар", "Амбулаторные услуги", "Outpatient services"),
    ("7073", "Оорукана кызматтары", "Больничные услуги", "Hospital services"),
    ("7074", "Коомдук саламаттыкты сактоо кызматтары", "Услуги общественного здравоохранения",
     "Public health services"),
    ("7075", "Саламаттыкты сактоо чөйрөсүндөгү изилдөөлөр жана иштеп чыгуулар",
     "Исследования и разработки в области здравоохранения", "R&D health"),
    ("7076", "Саламаттыкты сактоо чөйрөсүндөгү башка иштер",
     "Прочие вопросы здравоохранения", "Health n.e.c."),
    ("7081", "Эс алуу жана спорт кызматтары",
     "Услуги в области организации досуга и спорта", "Recreational and sporting services"),
    ("7082", "Маданият чөйрөсүндөгү кызматтар", "Услуги в области культуры",
     "Cultural services"),
    ("7083", "Теле-радио берүү жана басма кызматтары",
     "Услуги в области телерадиовещания и издательского дела",
     "Broadcasting and publishing services"),
    ("7084", "Диний жана башка коомдук кызматтар",
     "Услуги религиозных и других общественных организаций",
     "Religious and other community services"),
    ("7085", "Эс алуу, маданият жана дин чөйрөсүндөгү изилдөөлөр жана иштеп чыгуулар",
     "Исследования и разработки в области отдыха, культуры и религии",
     "R&D recreation, culture and religion"),
    ("7086", "Эс алуу, маданият жана дин чөйрөсүндөгү башка иштер",
     "Прочие вопросы отдыха, культуры и религии",
     "Recreation, culture and religion n.e.c."),
    ("7091", "Мектепке чейинки жана башталгыч билим берүү",
     "Дошкольное и начальное образование", "Pre-primary and primary education"),
    ("7092", "Орто билим берүү", "Среднее образование", "Secondary education"),
    ("7093", "Жогорку эмес орто кесиптик билим берүү",
     "Послесреднее невысшее образование", "Post-secondary non-tertiary education"),
    ("7094", "Жогорку билим берүү", "Высшее образование", "Tertiary education"),
    ("7095", "Деңгээли аныкталбаган билим берүү",
     "Образование, не подразделяемое по уровням", "Education not definable by level"),
    ("7096", "Билим берүүгө көмөкчү кызматтар",
     "Вспомогательные услуги в области образования", "Subsidiary services to education"),
    ("7097", "Билим берүү чөйрөсүндөгү изилдөөлөр жана иштеп чыгуулар",
     "Исследования и разработки в области образования", "R&D education"),
    ("7098", "Билим берүү чөйрөсүндөгү башка иштер", "Прочие вопросы образования",
     "Education n.e.c."),
    ("7101", "Оорусу жана майыптыгы боюнча", "Болезнь и нетрудоспособность",
     "Sickness and disability"),
    ("7102", "Карылык боюнча", "Старость", "Old age"),
    ("7103", "Асыроочусунан ажыраган адамдар", "Потеря кормильца", "Survivors"),
    ("7104", "Үй-бүлө жана балдар", "Семья и дети", "Family and children"),
    ("7105", "Жумушсуздук", "Безработица", "Unemployment"),
    ("7106", "Турак жай менен камсыздоо", "Жилищное обеспечение", "Housing"),
    ("7107", "Башка жерде эсепке алынбаган социалдык жактан обочолонуу",
     "Социальная изоляция, не отнесённая к другим категориям", "Social exclusion n.e.c."),
    ("7108", "Социалдык коргоо чөйрөсүндөгү изилдөөлөр жана иштеп чыгуулар",
     "Исследования и разработки в области социальной защиты", "R&D social protection"),
    ("7109", "Социалдык коргоо чөйрөсүндөгү башка иштер", "Прочие вопросы социальной защиты",
     "Social protection n.e.c."),
]

DIVISIONS: dict[str, Function] = {row[0]: Function(*row) for row in _DIVISIONS}
GROUPS: dict[str, Function] = {row[0]: Function(*row) for row in _GROUPS}
FUNCTIONS: dict[str, Function] = {**DIVISIONS, **GROUPS}

_COFOG_NOTATION = re.compile(r"^(?P<division>\d{1,2})(?:\.(?P<group>\d))?$")


def normalise(value: str) -> str | None:
    """The GFS code ("709", "7091") for a code in either notation; None if unknown."""
    value = (value or "").strip()
    if value in FUNCTIONS:
        return value
    match = _COFOG_NOTATION.match(value)
    if match:
        division = int(match["division"])
        code = f"7{division:02d}" + (match["group"] or "")
        if code in FUNCTIONS:
            return code
    return None
