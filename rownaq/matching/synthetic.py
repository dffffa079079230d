"""Generated capabilities for measuring the engine at scale (``benchmark_matching --scale N``).

Realistic-looking Persian industrial texts combined from a vocabulary (processes, products,
materials, machines, certifications, customers), deterministic for a seed. They only fill the index:
they are never labelled relevant, and their ids («gen-…») never clash with a data set's.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

from rownaq.matching.documents import Document

ORGANISATIONS = [
    "شرکت دانش‌بنیان", "کارگاه", "گروه صنعتی", "آزمایشگاه دانشگاه", "شرکت فناور پارک علم و فناوری",
    "واحد تولیدی", "تعاونی تولیدی", "مرکز رشد", "کارخانه", "مجتمع صنعتی",
]  # fmt: skip
PROCESSES = [
    "ماشینکاری دقیق", "تراشکاری", "فرزکاری CNC", "ریخته‌گری تحت فشار", "ریخته گری ماسه‌ای", "آهنگری گرم",
    "پرسکاری ورق", "جوشکاری آرگون", "برش لیزری", "خمکاری لوله", "آبکاری روی", "رنگ‌آمیزی الکترواستاتیک",
    "تزریق پلاستیک", "اکستروژن پروفیل", "قالب‌سازی", "عملیات حرارتی", "سنگ‌زنی", "مونتاژ", "بسته‌بندی",
    "طراحی مکانیکی", "مهندسی معکوس", "اسکن سه‌بعدی", "نمونه‌سازی سریع", "چاپ سه بعدی", "کالیبراسیون",
    "بافندگی", "ریسندگی", "رنگرزی پارچه", "تولید لعاب", "پخت سرامیک", "سیم‌پیچی", "تعمیرات اساسی",
]  # fmt: skip
PRODUCTS = [
    "شفت", "بوش", "فلنج", "چرخ‌دنده", "پوسته پمپ", "پروانه", "بدنه شیر", "قطعات خودرو", "قطعات تراکتور",
    "لوازم خانگی", "مخازن تحت فشار", "سازه فلزی", "تابلو برق", "برد الکترونیکی", "کابل", "لوله پلی‌اتیلن",
    "پروفیل آلومینیومی", "ظروف یکبار مصرف", "کارتن", "گونی", "نخ", "پارچه", "کاشی", "آجر", "شیشه",
    "لنت ترمز", "فیلتر هوا", "واشر", "اورینگ", "تسمه", "پیچ", "مهره", "فنر", "قالب", "ابزار برشی",
    "مبدل حرارتی", "کوره", "نوار نقاله", "سیلندر هیدرولیک", "گیربکس", "الکتروموتور", "پمپ", "کمپرسور",
]  # fmt: skip
MATERIALS = [
    "فولاد", "فولاد ابزار", "چدن خاکستری", "چدن داکتیل", "آلومینیوم", "برنج", "مس", "استیل ۳۰۴",
    "پلی‌پروپیلن", "پلی‌اتیلن سنگین", "ABS", "نایلون", "لاستیک", "کامپوزیت", "پنبه", "پلی‌استر", "خاک رس",
]  # fmt: skip
SECTORS = [
    "خودروسازی", "نفت و گاز", "پتروشیمی", "نیروگاه", "کشاورزی", "صنایع غذایی", "دارویی", "معدن",
    "ساختمان", "لوازم خانگی", "نساجی", "بسته‌بندی", "فولاد", "سیمان", "راه‌آهن",
]  # fmt: skip
MACHINES = [
    "دستگاه تراش CNC", "فرز پنج محور", "وایرکات", "اسپارک", "پرس ۲۰۰ تن", "کوره القایی", "دستگاه تزریق ۳۰۰ گرمی",
    "اکسترودر", "دستگاه لیزر فایبر", "ربات جوشکاری", "دستگاه CMM", "سختی‌سنج", "اسپکترومتر", "دستگاه خم",
]  # fmt: skip
CERTIFICATES = ["ایزو ۹۰۰۱", "ISO 14001", "نشان استاندارد", "گواهی دانش‌بنیان", "IATF 16949", "پروانه بهره‌برداری"]
TEMPLATES = [
    "{org} با {years} سال سابقه در زمینه {process} {product} از جنس {material} برای صنایع {sector} فعالیت می‌کند.",
    "توانایی {process} و تولید {product} {material} با ظرفیت {capacity} قطعه در ماه؛ تجهیزات: {machine}.",
    "ارائه خدمات {process} برای {product} و {product2}، مشتریان در صنعت {sector}، دارای {certificate}.",
    "تولید انبوه {product} با {machine} و کنترل کیفیت، امکان ساخت نمونه بر اساس نقشه مشتری.",
    "{org} تولیدکننده {product} و {product2} از {material}، صادرات به کشورهای همسایه.",
]
PROVINCES = [f"{n:02d}" for n in range(1, 32)]


def generate_capabilities(count: int, seed: int = 7) -> Iterator[Document]:
    rng = random.Random(seed)
    for n in range(count):
        sentences = []
        for template in rng.sample(TEMPLATES, rng.randint(2, 4)):
            sentences.append(
                template.format(
                    org=rng.choice(ORGANISATIONS),
                    years=rng.randint(2, 40),
                    process=rng.choice(PROCESSES),
                    product=rng.choice(PRODUCTS),
                    product2=rng.choice(PRODUCTS),
                    material=rng.choice(MATERIALS),
                    sector=rng.choice(SECTORS),
                    capacity=rng.randint(1, 500) * 100,
                    machine=rng.choice(MACHINES),
                    certificate=rng.choice(CERTIFICATES),
                )
            )
        title = f"{rng.choice(PROCESSES)} {rng.choice(PRODUCTS)}"
        codes = (f"{rng.randint(1000, 3399)}", f"{rng.randint(250000, 970000)}")
        yield Document(f"gen-{n:06d}", title, " ".join(sentences), codes, rng.choice(PROVINCES))
