"""What a job's text says aloud: its lexicon first, then normalization in its locale.

One value that travels with every chapter's phonemization (also into the phonemizer
process), so that every worker and every redelivery reads a book the same way.
"""

from dataclasses import dataclass
from functools import cached_property

from config.manuscript import LexiconEntry, Manuscript
from models.lexicon import Lexicon
from models.normalize import normalize, normalize_traced
from models.traced import Traced

DEFAULT_LOCALE = "en-US"


@dataclass(frozen=True)
class Wording:
    lexicon: tuple[LexiconEntry, ...] = ()
    locale: str = DEFAULT_LOCALE

    @classmethod
    def of(cls, manuscript: Manuscript) -> "Wording":
        return cls(tuple(manuscript.lexicon), manuscript.locale or DEFAULT_LOCALE)

    @cached_property
    def _compiled(self) -> Lexicon:
        return Lexicon(self.lexicon)

    def words(self, text: str) -> str:
        """The words the voice is given for a span of text (phoneme entries as [[ipa]])."""
        return normalize(self._compiled.apply(text), self.locale)

    def traced(self, text: Traced) -> Traced:
        """`words`, each character knowing the characters of the text it says."""
        return normalize_traced(self._compiled.apply_traced(text), self.locale)
