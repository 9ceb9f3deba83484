from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.contrib.table_block.blocks import TableBlock
from wagtail.documents.blocks import DocumentChooserBlock


class DocumentLinkBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("document"))
    label = blocks.CharBlock(label=_("link text"), required=False)

    class Meta:
        icon = "doc-full"
        template = "blocks/document_link.html"


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock(label=_("quotation"))
    source = blocks.CharBlock(label=_("source"), required=False)

    class Meta:
        icon = "openquote"
        template = "blocks/quote.html"


class PolicyBodyBlock(blocks.StreamBlock):
    heading = blocks.CharBlock(label=_("heading"), form_classname="title", template="blocks/heading.html")
    paragraph = blocks.RichTextBlock(
        label=_("paragraph"), features=["bold", "italic", "link", "ol", "ul", "document-link"]
    )
    table = TableBlock(label=_("table"), template="blocks/table.html")
    document = DocumentLinkBlock(label=_("document link"))
    quote = QuoteBlock(label=_("quote"))
