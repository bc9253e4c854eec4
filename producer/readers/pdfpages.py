"""A PDF's pages laid out by pdfminer, the work a file may ask for held to limits.

A PDF is a program: a few KB can say "draw this stream 20,000 times", nest forms that each
draw the next ten times, or inflate to gigabytes, and pdfminer does what it is told. Here
its parser decodes streams a piece at a time up to a cap, its interpreter counts the content
it runs and the forms it draws, and its page builder counts the glyphs it holds (the book's
foreseen from its first pages); past a limit the file is refused with a ManuscriptError.
Paths and pictures are not built, only where they are (a map's labels are told by the
picture under them), and glyphs set sideways (a turned table, a watermark) are left out.
"""

import io
import logging
import math
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, NoReturn

from pdfminer import pdftypes
from pdfminer.ascii85 import ascii85decode, asciihexdecode
from pdfminer.converter import PDFPageAggregator
from pdfminer.layout import LAParams, LTComponent, LTContainer, LTFigure, LTPage, LTRect
from pdfminer.lzw import LZWDecoder
from pdfminer.pdfcolor import PDFColorSpace
from pdfminer.pdfdocument import PDFDocument
from pdfminer.pdffont import PDFFont
from pdfminer.pdfinterp import (
    PDFGraphicState,
    PDFPageInterpreter,
    PDFResourceManager,
    PDFStackT,
)
from pdfminer.pdfpage import PDFPage
from pdfminer.pdfparser import PDFParser
from pdfminer.psparser import PSStackEntry
from pdfminer.utils import (
    Matrix,
    PathSegment,
    apply_png_predictor,
    apply_tiff_predictor,
)

from config.errors import ManuscriptError
from config.settings import get_settings

log = logging.getLogger(__name__)

SPECK = 1.0  # points: text set smaller (at size 0, or squashed flat by its matrix) is unseen
WORD_MARGIN = LAParams().word_margin  # a gap between glyphs, in their sizes, that is a space
_SKEW = math.tan(math.radians(10))  # a baseline turned further from the horizontal is sideways

# Limits on the work a file may ask for. A PDF is a program: a few KB can say "draw this
# stream 20,000 times", nest forms that each draw the next ten times, or inflate to GBs.
# Each limit is counted while the work is done, and reaching it refuses the file. They sit
# far above any book: a 1,000-page novel is ~3 M characters and ~50 MB of page content, a
# dense page ~10,000 characters and a few hundred KB, a book's fonts and images (never
# decoded here) a few MB a stream.
_MB = 2**20
_LIMITS = {  # what is counted: (the most allowed, what the refusal says)
    # Bytes one stream decompresses to: the memory a single stream holds at once.
    "stream": (16 * _MB, "has a stream that decompresses to more than 16 MB"),
    # Bytes all streams decompress to: what the document's parsed objects hold.
    "decoded": (256 * _MB, "decompresses to more than 256 MB"),
    # Content bytes a page runs, a stream counted each time it is drawn: the time it takes.
    "page content": (32 * _MB, "has a page that draws more than 32 MB of content"),
    "book content": (512 * _MB, "draws more than 512 MB of content"),
    # Glyphs drawn: a page's are held at once (~1 KB each), the book's are the time (the
    # book's cap is `_book_chars`: it follows the longest book narrate takes).
    "page chars": (50_000, "has a page of more than 50,000 characters"),
    # Forms and images drawn (each a figure held for the page); forms drawn within forms.
    "page forms": (10_000, "has a page that draws more than 10,000 forms or pictures"),
    "depth": (16, "nests forms more than 16 deep"),
}
_PAGE_COUNTS = ("page content", "page chars", "page forms")
# Glyphs a page may draw for each character of the text narrated: running heads, folios,
# contents and index pages are drawn but not read (20 million for 8 million, the default).
_GLYPHS_PER_CHAR = 2.5
# Pages laid out before their glyphs, as many a page over the whole book, may refuse it: a
# book's pages are alike, and one page drawn 3,000 times (a form: 1 MB of file) would
# otherwise be laid out for minutes before its 3,000th page reaches the cap.
_SAMPLE = 20
_OPERANDS = 100  # an operator takes at most ~33; operands piling up past that are dropped
Box = tuple[float, float, float, float]  # x0, y0, x1, y1, in the page's space
# Points: a path narrower or lower than this (a rule, an underline, a dot) is no picture.
_DRAWN = 12.0
_DRAWINGS = 500  # paths a page keeps (a page of line art draws thousands: the first do)
_GROUND = 0.95  # a picture this share of the page's width and height is its ground
# A path stroked, not filled, this share of the page's width and height is a border around
# its text, no picture; a plate painted as large (an image, a map's sea) is a picture.
_FRAME = 0.85


def laid_out(data: bytes, source: str, pages: int) -> Iterator[tuple[LTPage, int]]:
    """pdfminer's extract_pages, its parser, interpreter and page builder held to limits;
    with each page, how many glyphs it sets sideways (left out of the page). `pages` is
    the document's page count, to foresee the book's glyphs from its first pages'."""
    # Lines are put in order by the reader (by columns, top to bottom), so pdfminer's ordering of
    # text boxes, slow on a busy page, is switched off (boxes_flow None).
    budget = _Budget(source, pages)
    resources = PDFResourceManager()
    device = _Device(
        resources, budget, LAParams(all_texts=True, boxes_flow=None, word_margin=WORD_MARGIN)
    )
    interpreter = _Interpreter(resources, device, budget)
    for page in PDFPage.create_pages(PDFDocument(_Parser(io.BytesIO(data), budget))):
        budget.new_page()
        device.turned = 0
        interpreter.process_page(page)
        budget.foresee()
        yield device.get_result(), device.turned


def _book_chars() -> tuple[int, str]:
    """The most glyphs a book may draw, and the refusal's words."""
    most = math.ceil(_GLYPHS_PER_CHAR * get_settings().max_book_chars)
    return most, f"expands to more than {most:,} characters"


@dataclass
class _Budget:
    """The work reading a document has cost so far; past a limit, the file is refused."""

    source: str
    pages: int  # in the document
    used: Counter[str] = field(default_factory=Counter)
    laid: int = 0  # pages laid out
    book_chars: tuple[int, str] = field(default_factory=lambda: _book_chars())

    def spend(self, *counts: str, amount: int = 1) -> None:
        for what in counts:
            self.used[what] += amount
            self.check(what, self.used[what])

    def check(self, what: str, amount: int) -> None:
        if amount > self.limit(what)[0]:
            self.refuse(what)

    def limit(self, what: str) -> tuple[int, str]:
        return self.book_chars if what == "book chars" else _LIMITS[what]

    def refuse(self, what: str, why: str = "") -> NoReturn:
        says = self.limit(what)[1]
        raise ManuscriptError(f"{self.source}: the PDF {says}{why}: not a book narrate reads")

    def foresee(self) -> None:
        """After a page, the glyphs of the pages so far, as many a page over the whole
        document, checked against the book's cap once enough pages are laid out."""
        self.laid += 1
        drawn = self.used["book chars"]
        if self.laid >= _SAMPLE and drawn * self.pages > self.limit("book chars")[0] * self.laid:
            each = drawn // self.laid
            why = f" (its first {self.laid} pages {each:,} a page, over {self.pages:,} pages)"
            self.refuse("book chars", why)

    def new_page(self) -> None:
        for what in _PAGE_COUNTS:
            self.used[what] = 0


class _Parser(PDFParser):
    """pdfminer's parser, its streams decoded within the limits."""

    def __init__(self, fp: io.BytesIO, budget: _Budget) -> None:
        super().__init__(fp)
        self.budget = budget

    def push(self, *objs: PSStackEntry[Any]) -> None:
        super().push(*((pos, self._bounded(obj)) for pos, obj in objs))

    def _bounded(self, obj: Any) -> Any:
        if type(obj) is pdftypes.PDFStream:
            return _Stream(obj, self.budget)
        return obj


class _Stream(pdftypes.PDFStream):
    """A stream decoded as pdfminer does, but a piece at a time and only up to the limit:
    pdfminer's inflates a stream whole, however large."""

    def __init__(self, stream: pdftypes.PDFStream, budget: _Budget) -> None:
        super().__init__(stream.attrs, stream.rawdata or b"", stream.decipher)
        self.budget = budget

    def decode(self) -> None:
        data = self.rawdata or b""
        if self.decipher and self.objid is not None and self.genno is not None:
            data = self.decipher(self.objid, self.genno, data, self.attrs)
        for name, params in self.get_filters():
            data = _predicted(self._unfiltered(name, data), params)
        self.budget.spend("decoded", amount=len(data))
        self.data, self.rawdata = data, None

    def _unfiltered(self, name: object, data: bytes) -> bytes:
        if name in pdftypes.LITERALS_FLATE_DECODE:
            return self._capped(_inflated(data))
        if name in pdftypes.LITERALS_LZW_DECODE:
            return self._capped(LZWDecoder(io.BytesIO(data)).run())
        if name in pdftypes.LITERALS_RUNLENGTH_DECODE:
            return self._capped(_runs(data))
        if name in pdftypes.LITERALS_ASCII85_DECODE:
            return ascii85decode(data)
        if name in pdftypes.LITERALS_ASCIIHEX_DECODE:
            return asciihexdecode(data)
        if name in _PICTURE_FILTERS:  # pictures' own codings: narrate never looks at them
            return data
        raise ValueError(f"unsupported filter {name!r}")

    def _capped(self, pieces: Iterable[bytes]) -> bytes:
        kept: list[bytes] = []
        size = 0
        for piece in pieces:
            size += len(piece)
            self.budget.check("stream", size)
            kept.append(piece)
        return b"".join(kept)


_PICTURE_FILTERS = (
    *pdftypes.LITERALS_DCT_DECODE, *pdftypes.LITERALS_JPX_DECODE,
    *pdftypes.LITERALS_JBIG2_DECODE, *pdftypes.LITERALS_CCITTFAX_DECODE,
)  # fmt: skip
_PIECE = 2**16  # bytes inflated at a time


def _inflated(data: bytes) -> Iterator[bytes]:
    """Inflated a piece at a time; a damaged stream as far as it goes.

    Damage (a bad checksum at the end, garbage after good data) raises zlib.error, and
    what that call inflated, up to a piece (often a whole page's content), is lost. So the
    call is replayed from a copy of the inflater taken before it, a byte at a time, keeping
    all that comes out before the byte that fails: as pdfminer's decompress_corrupted does.
    The replay gives no more than the failed call had (under a piece): the cap still holds.
    """
    inflater = zlib.decompressobj()
    while data:
        before = inflater.copy()
        try:
            piece = inflater.decompress(data, _PIECE)
        except zlib.error as error:
            log.debug("damaged Flate stream: %s", error)
            yield from _salvaged(before, data)
            return
        yield piece
        data = inflater.unconsumed_tail
    yield inflater.flush()


def _salvaged(inflater: "zlib._Decompress", data: bytes) -> Iterator[bytes]:
    """What `inflater` gives for `data` fed a byte at a time, up to the byte that fails."""
    try:
        for at in range(len(data)):
            yield inflater.decompress(data[at : at + 1])
    except zlib.error:
        pass


def _runs(data: bytes) -> Iterator[bytes]:
    """RunLength decoded: a length byte, then as many bytes plus one (under 128) or one
    byte repeated 257 less that many times (over 128); 128 ends the data."""
    at = 0
    while at < len(data) and data[at] != 128:
        length = data[at]
        if length < 128:
            yield data[at + 1 : at + 2 + length]
            at += length + 2
        else:
            yield data[at + 1 : at + 2] * (257 - length)
            at += 2


def _predicted(data: bytes, params: object) -> bytes:
    """`data` with a PNG or TIFF predictor undone, where it has one, as pdfminer does. A
    row wider than the whole stream is refused (pdfminer would allocate it)."""
    if not isinstance(params, dict) or "Predictor" not in params:
        return data
    predictor = pdftypes.int_value(params["Predictor"])
    colors, columns = (pdftypes.int_value(params.get(key, 1)) for key in ("Colors", "Columns"))
    bits = pdftypes.int_value(params.get("BitsPerComponent", 8))
    if colors * columns * bits > 8 * len(data):
        raise ValueError("a predictor's row is wider than its stream")
    if predictor == 2:
        return apply_tiff_predictor(colors, columns, bits, data)
    if predictor >= 10:
        return apply_png_predictor(predictor, colors, columns, bits, data)
    if predictor == 1:
        return data
    raise ValueError(f"unsupported predictor {predictor}")


def pictures(page: LTPage) -> list[Box]:
    """Where a page draws pictures: its images', placed drawings' (forms) and paths'
    boxes; not one behind all the page (a scan under its text, the page's colour), nor a
    border around it, framing its text: as a picture, a border at 92% of the page made
    any short lines scattered inside it a map's labels. A border is a path stroked and not
    filled: an image, a form or a filled path as large is a plate, its labels a map's."""
    boxes = []
    for item in _drawn(page):
        x0, y0, x1, y1 = item.bbox
        border = isinstance(item, LTRect) and not item.fill
        share = _FRAME if border else _GROUND
        if x1 - x0 < page.width * share or y1 - y0 < page.height * share:
            boxes.append(item.bbox)
    return boxes


def _drawn(container: LTContainer[Any]) -> Iterator[LTComponent]:
    for item in container:
        if isinstance(item, LTFigure | LTRect):
            yield item
        if isinstance(item, LTFigure):
            yield from _drawn(item)


class _Device(PDFPageAggregator):
    """pdfminer's page builder, counting the glyphs it holds. Of a picture it keeps the
    box, and of a path the box it covers (as an LTRect) and whether it is filled (a border
    is not), not its points: a page of line art holds thousands."""

    def __init__(self, resources: PDFResourceManager, budget: _Budget, params: LAParams):
        super().__init__(resources, laparams=params)
        self.budget = budget
        self.turned = 0  # glyphs set sideways on this page
        self.path: Box | None = None  # the box of the path being built
        self.paths = 0  # kept on this page

    def begin_page(self, page: PDFPage, ctm: Matrix) -> None:
        super().begin_page(page, ctm)
        # A path the last page left unpainted is no part of this page's first.
        self.path, self.paths = None, 0

    def end_figure(self, name: str) -> None:
        super().end_figure(name)
        self.path = None  # nor is one a form left unpainted part of the page's next

    def reach(self, x: float, y: float) -> None:
        """The path being built stretched to a point of the page."""
        x0, y0, x1, y1 = self.path or (x, y, x, y)
        self.path = (min(x0, x), min(y0, y), max(x1, x), max(y1, y))

    def paint_path(
        self, gstate: PDFGraphicState, stroke: bool, fill: bool, evenodd: bool,
        path: Sequence[PathSegment],
    ) -> None:  # fmt: skip
        box, self.path = self.path, None
        if not box or min(box[2] - box[0], box[3] - box[1]) < _DRAWN:
            return
        if self.paths < _DRAWINGS:
            self.paths += 1
            self.cur_item.add(LTRect(0, box, stroke=stroke, fill=fill))

    def render_char(
        self, matrix: Matrix, font: PDFFont, fontsize: float, scaling: float, rise: float,
        cid: int, ncs: PDFColorSpace, graphicstate: PDFGraphicState,
    ) -> float:  # fmt: skip
        self.budget.spend("page chars", "book chars")
        unseen = _unseen(matrix, fontsize, scaling)
        turned = not unseen and _turned(matrix, fontsize * scaling)
        self.turned += turned
        if unseen or turned:  # not kept, but it moves the next as drawn
            return font.char_width(cid) * fontsize * scaling
        args = (matrix, font, fontsize, scaling, rise, cid, ncs, graphicstate)
        return super().render_char(*args)

    def render_image(self, name: str, stream: pdftypes.PDFStream) -> None:
        pass


def _turned(matrix: Matrix, size: float) -> bool:
    """Whether a glyph's baseline is turned from the horizontal, more than a scan's skew:
    a table set sideways on its page, a diagonal watermark ("ADVANCE READING COPY"). Laid
    out as lines, its letters came one to a line, and were read one by one. The baseline
    runs along the matrix's first row times the type's size: a negative size turns the
    glyphs over as a half-turned matrix does, and the two together stand upright."""
    (a, b, _, _, _, _) = matrix
    run, rise = a * size, b * size
    return run <= 0 or abs(rise) > run * _SKEW


def _unseen(matrix: Matrix, fontsize: float, scaling: float) -> bool:
    """Whether a glyph is drawn too small to see: at (nearly) no size, or squashed flat."""
    (a, b, c, d, _, _) = matrix
    height = abs(fontsize) * math.hypot(c, d)
    return height < SPECK or not fontsize * scaling * math.hypot(a, b)


class _Interpreter(PDFPageInterpreter):
    """pdfminer's interpreter, counting the content it runs and the forms it draws; paths
    are not built (a page of line art holds thousands), only the box each covers."""

    def __init__(
        self, resources: PDFResourceManager, device: _Device, budget: _Budget, depth: int = 0
    ) -> None:
        super().__init__(resources, device)
        self.budget, self.depth = budget, depth

    def dup(self) -> "_Interpreter":  # the interpreter of a form drawn on this content
        if self.depth >= _LIMITS["depth"][0]:
            self.budget.refuse("depth")
        assert isinstance(self.device, _Device)
        return _Interpreter(self.rsrcmgr, self.device, self.budget, self.depth + 1)

    def execute(self, streams: Sequence[object]) -> None:
        for stream in streams:  # a stream listed again is run (and counted) again
            size = len(pdftypes.stream_value(stream).get_data())
            self.budget.spend("page content", "book content", amount=size)
        super().execute(streams)

    def do_Do(self, xobjid_arg: PDFStackT) -> None:
        self.budget.spend("page forms")
        super().do_Do(xobjid_arg)

    def push(self, obj: PDFStackT) -> None:
        if len(self.argstack) >= _OPERANDS:  # operands no operator takes
            del self.argstack[0]
        super().push(obj)

    # Paths are not built, but the box each covers is kept, for the labels set over it.

    def _reach(self, *coordinates: PDFStackT) -> None:
        """The path being built stretched to points (x, y pairs in user space), while its
        page keeps paths (the CTM applied here: a page of line art runs this a lot)."""
        assert isinstance(self.device, _Device)
        if self.device.paths >= _DRAWINGS:
            return
        a, b, c, d, e, f = self.ctm
        for x, y in zip(coordinates[::2], coordinates[1::2], strict=True):
            if isinstance(x, int | float) and isinstance(y, int | float):
                self.device.reach(a * x + c * y + e, b * x + d * y + f)

    def do_m(self, x: PDFStackT, y: PDFStackT) -> None:
        self._reach(x, y)

    def do_l(self, x: PDFStackT, y: PDFStackT) -> None:
        self._reach(x, y)

    def do_c(
        self, x1: PDFStackT, y1: PDFStackT, x2: PDFStackT, y2: PDFStackT, x3: PDFStackT,
        y3: PDFStackT,
    ) -> None:  # fmt: skip
        self._reach(x1, y1, x2, y2, x3, y3)  # a curve stays within its control points

    def do_v(self, x2: PDFStackT, y2: PDFStackT, x3: PDFStackT, y3: PDFStackT) -> None:
        self._reach(x2, y2, x3, y3)

    def do_y(self, x1: PDFStackT, y1: PDFStackT, x3: PDFStackT, y3: PDFStackT) -> None:
        self._reach(x1, y1, x3, y3)

    def do_h(self) -> None:
        pass

    def do_re(self, x: PDFStackT, y: PDFStackT, w: PDFStackT, h: PDFStackT) -> None:
        numbers = [float(value) for value in (x, y, w, h) if isinstance(value, int | float)]
        if len(numbers) < 4:  # a damaged operand: no rectangle
            return
        left, bottom, width, height = numbers
        right, top = left + width, bottom + height
        self._reach(left, bottom, right, bottom, left, top, right, top)  # turned, its corners

    def do_n(self) -> None:  # a clipping path, not drawn
        assert isinstance(self.device, _Device)
        self.device.path = None
        super().do_n()
