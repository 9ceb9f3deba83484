"""Award certificates (荣誉证书) as DOCX, one per winner once the results are final. They also serve as the evidence
file of the winners' credit records. (DOCX rather than PDF: the stack has python-docx and no PDF library.)"""

import io

from django.utils import timezone
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from .models import Winner


def _line(document, text: str, *, size: int, bold: bool = False, align=WD_ALIGN_PARAGRAPH.CENTER):
    paragraph = document.add_paragraph()
    paragraph.alignment = align
    run = paragraph.add_run(text)
    run.font.size, run.font.bold = Pt(size), bold
    return paragraph


def certificate_docx(winner: Winner) -> bytes:
    campaign, entry = winner.campaign, winner.entry
    document = Document()
    document.core_properties.title = f"{campaign.name} 荣誉证书"
    _line(document, "荣誉证书", size=36, bold=True)
    _line(document, entry.firm.name, size=20, bold=True, align=WD_ALIGN_PARAGRAPH.LEFT)
    _line(document, f"你单位的参评作品《{entry.title}》（编号 {entry.number}）在{campaign.name}中荣获"
                    f"“{winner.category.name}”第{winner.rank}名。", size=16, align=WD_ALIGN_PARAGRAPH.LEFT)
    _line(document, "特发此证，以资鼓励。", size=16, align=WD_ALIGN_PARAGRAPH.LEFT)
    _line(document, f"批准文号：{campaign.approval_number}（{campaign.approving_body}）", size=12,
          align=WD_ALIGN_PARAGRAPH.LEFT)
    day = timezone.localtime(campaign.finished_at or timezone.now()).date()
    _line(document, campaign.organiser_name, size=16, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _line(document, f"{day.year}年{day.month}月{day.day}日", size=16, align=WD_ALIGN_PARAGRAPH.RIGHT)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def certificate_name(winner: Winner) -> str:
    return f"荣誉证书-{winner.entry.number}.docx"
