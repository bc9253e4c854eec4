"""The `narrate` command line.

Every command turns narrate's own errors into one line on stderr and a non-zero exit:
2 for bad input or usage (nothing will change by retrying), 3 for a failing service,
130 when interrupted. Finished chapters stay on disk, so running the command again resumes.
"""

import argparse
import atexit
import contextlib
import io
import json
import logging
import os
import re
import signal
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from config.errors import NarrateError, PermanentError
from worker.memory import tune_malloc

if TYPE_CHECKING:
    from pydantic import ValidationError
    from pydantic_settings import SettingsError

    from config.jobs import Progress
    from config.manifest import Manifest
    from config.manuscript import Manuscript
    from config.settings import Settings, SynthesisOptions
    from producer.readers import Reading
    from producer.stopping import Stopping
    from worker.gpus import Slot
    from worker.ledger import Ledger
    from worker.narrators import Narrators
    from worker.tenants import Tenants

log = logging.getLogger("narrate")

EXIT_BAD_INPUT = 2
EXIT_RETRYABLE = 3
EXIT_INTERRUPTED = 130
# With NARRATE_API_URL set, these go through the HTTP service instead of Redis.
THROUGH_API = frozenset({"enqueue", "status", "wait", "list", "cancel"})
# Models filled from options, and their fields not spelt --field-name on the command line.
OPTION_MODELS = frozenset({"SynthesisOptions", "RedoRequest"})
FLAGS = {"formats": "--format", "context": "--no-context"}
# With -v every line carries the wall clock to the millisecond, as the narrating processes'
# lines do (`worker.narrators`): merged, they are a book's timeline (where its seconds go,
# docs/performance.md).
CLOCK_FORMAT = "%H:%M:%S"
VERBOSE_FORMAT = "%(asctime)s.%(msecs)03d %(levelname)s %(name)s: %(message)s"


def entry() -> NoReturn:
    """The `narrate` command: main(), then the interpreter's exit without its teardown.

    After a book the process holds hundreds of modules and many thousands of objects, and a
    normal exit frees each one: 0.18-0.25 s on 2 cores after `narrate synth`, which the user
    waits for and nothing needs (docs/performance.md, "The exit without the teardown"). What
    an exit must do is done first: threads that are not daemons are joined, the exit
    handlers run (logging's, multiprocessing's), and the standard streams are flushed.
    Tests call main() and keep the normal exit."""
    code = main()
    shutdown = getattr(threading, "_shutdown", None)  # not public: a normal exit's first step
    if shutdown is None:
        sys.exit(code)
    try:
        shutdown()
        atexit._run_exitfuncs()
    except KeyboardInterrupt:
        code = code or EXIT_INTERRUPTED
    for stream in (sys.stdout, sys.stderr):
        # its reader gone (`narrate inspect | head`), or closed
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(code)


def _printable(stream: object) -> None:
    """A stream that cannot spell a character (an ASCII locale, PYTHONIOENCODING=ascii)
    writes it escaped, as stderr does: a title in French ended `narrate inspect` in a
    traceback, and `narrate synth` after the whole book was done."""
    if isinstance(stream, io.TextIOWrapper) and stream.errors == "strict":
        stream.reconfigure(errors="backslashreplace")


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    _Parser.given = sys.argv[1:] if argv is None else argv
    args = parser.parse_args(argv)
    _printable(sys.stdout)
    if args.command == "synth":  # before the settings' import, which this overlaps
        from worker import headstart

        headstart.start()
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format=VERBOSE_FORMAT if args.verbose else "%(levelname)s %(name)s: %(message)s",
        datefmt=CLOCK_FORMAT,
    )
    tune_malloc()
    log.debug("narrate %s", args.command)  # with -v, the timeline's start (settings not read)
    try:
        if args.command in ("status", "wait", "cancel"):
            not_a_path(args.job, args.command)
        if get_settings().api_url and args.command in THROUGH_API:
            from producer.client import Api, run

            through: int = run(Api(get_settings()), args)
            return through
        code: int = args.run(args)
        return code
    except NarrateError as error:
        # One line, whatever a library's words held (libxml2's and pypdf's hold newlines).
        print(f"narrate: error: {' '.join(str(error).split())}", file=sys.stderr)
        return EXIT_BAD_INPUT if isinstance(error, PermanentError) else EXIT_RETRYABLE
    except BrokenPipeError:  # `narrate inspect BOOK | head`: the reader has what it wanted
        sys.stderr.close()
        return 0
    except (KeyboardInterrupt, Exception) as error:
        from pydantic import ValidationError  # here: `narrate` starts without it (`get_settings`)
        from pydantic_settings import SettingsError

        if isinstance(error, ValidationError | SettingsError):
            print(f"narrate: error: {invalid(error)}", file=sys.stderr)
            return EXIT_BAD_INPUT
        if not by_interrupt(error):
            raise
        # A second Ctrl-C (or SIGTERM) while the interpreter exits would kill it by the
        # signal, after the message and without the exit status it promises.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        # Only synth narrates, and it says what it kept itself (`Stopping`): here nothing
        # was being narrated (verify, inspect, check...), so nothing is said to be kept.
        print("\nnarrate: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED


def by_interrupt(error: BaseException) -> bool:
    """Whether `error` came of a Ctrl-C: one that lands while a compiled module initializes
    (onnxruntime's, imported as narrating begins) is raised as that import's failure,
    "ImportError: initialization failed", with the KeyboardInterrupt as its cause."""
    chain: list[BaseException] = []
    link: BaseException | None = error
    while link is not None and link not in chain:  # a chain may loop back on itself
        chain.append(link)
        link = link.__cause__ or link.__context__
    return any(isinstance(link, KeyboardInterrupt) for link in chain)


def get_settings() -> "Settings":
    """The settings, their module imported as first needed: `narrate synth` starts its
    narrating processes' imports before it (`worker.headstart`), and pydantic is a good
    part of the command's own."""
    from config.settings import get_settings as settings

    return settings()


def invalid(error: "ValidationError | SettingsError") -> str:
    """The first problem, naming an option as it was typed (--sample-rate, not sample_rate)
    where the model is one the command line fills. A `SettingsError` is a variable whose
    value is not even JSON (NARRATE_ASSEMBLY='{bad'): named as set, with the parser's words."""
    from pydantic_settings import SettingsError

    if isinstance(error, SettingsError):
        field = re.search(r'field "([^"]+)"', str(error))
        where = "NARRATE_" + field.group(1).upper() if field else "a NARRATE_ variable"
        cause = error.__cause__ or error.__context__
        if not isinstance(cause, json.JSONDecodeError):
            return f"{where}: {' '.join(str(cause or error).split())}"
        # pydantic-settings names the outer field: the variable is it or one nested in it
        # (NARRATE_ASSEMBLY__PAUSE_S), the one whose value is the text that did not parse.
        for name, value in os.environ.items():
            nested = name.upper() == where or name.upper().startswith(where + "__")
            if nested and value == cause.doc:
                where = name
                break
        return f"{where}: not valid JSON ({cause})"
    first = error.errors()[0]
    where = ".".join(str(p) for p in first["loc"])
    if error.title == "Settings" and first["loc"]:  # as it was set: NARRATE_ASSEMBLY__PEAK...
        where = "NARRATE_" + "__".join(str(p) for p in first["loc"]).upper()
    if error.title in OPTION_MODELS and first["loc"]:
        name = str(first["loc"][0])
        where = FLAGS.get(name, "--" + name.replace("_", "-"))
    return f"{where}: {first['msg'].removeprefix('Value error, ')}"


def not_a_path(job: str, command: str) -> None:
    """A folder or file given for a job id is said to be one, not looked up in the broker
    (whose "cannot reach Redis" would point the user at the wrong problem)."""
    if "/" not in job and not Path(job).exists():
        return
    folder = Path(job).is_dir()
    hint = f"; to check an output folder: narrate verify {job}" if folder else ""
    if command == "cancel":  # a folder is not what one stops: the queue's ids are listed
        hint = "; narrate list shows the jobs"
    raise PermanentError(
        f"{job}: {'a folder' if folder else 'a path'}, not a job id; narrate {command} takes "
        f"the id that narrate enqueue printed{hint}"
    )


class _Parser(argparse.ArgumentParser):
    """argparse's parser, its usage errors one `narrate: error:` line as every other error
    is (argparse prints the whole usage block first); its subcommands' parsers too."""

    given: Sequence[str] = ()  # the command line, for the hint on names that begin with "-"

    def error(self, message: str) -> NoReturn:
        hint = f"see {self.prog} --help"
        dashed = [arg for arg in self.given if arg[:1] == "-" and os.path.exists(arg)]
        if dashed:  # argparse took the file "-notes.txt" for an option
            hint = f"a name that begins with '-' is read as an option: write ./{dashed[0]}"
        self.exit(EXIT_BAD_INPUT, f"narrate: error: {message} ({hint})\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="narrate", description=__doc__.splitlines()[0])
    parser.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="debug logging, each line with the clock; onnxruntime's own warnings too",
    )
    commands = parser.add_subparsers(dest="command", required=True)

    synth = commands.add_parser("synth", help="narrate a manuscript into local files")
    synth.add_argument("manuscript", type=Path)
    synth.add_argument("-o", "--output", type=Path, required=True, help="output directory")
    _add_voice_options(synth)
    synth.add_argument("--no-progress", action="store_true", help="no progress bar")
    synth.add_argument(
        "--replace",
        action="store_true",
        help="narrate over a finished book of other text or options in the output folder "
        "(refused without it); its files go once this book is whole",
    )
    synth.add_argument("--stats", type=Path, default=None, help=argparse.SUPPRESS)
    _add_reading_options(synth)
    _add_chapter_option(
        synth,
        "the files keep the book's numbers (with --credits, whose opening is file 000, "
        "chapter N's is N+1), and a later run of the whole book into the same folder keeps "
        "these chapters",
    )
    synth.set_defaults(run=run_synth)

    seams = commands.add_parser("seams", help="seam metric: segments vs one pass, noise 0")
    seams.add_argument("manuscript", type=Path)
    seams.add_argument("--chapter", type=int, default=0, help="chapter index (from 0)")
    seams.add_argument("--paragraphs", type=int, default=8, help="paragraphs to score")
    seams.add_argument("--voice", default=None, help="default: NARRATE_VOICE")
    seams.set_defaults(run=run_seams)

    enqueue = commands.add_parser("enqueue", help="queue manuscripts for the workers")
    enqueue.add_argument("manuscripts", type=Path, nargs="+")
    enqueue.add_argument(
        "--dest",
        default=None,
        help="s3://bucket/prefix or file:///dir (through the API: "
        "its default, or a place under it)",
    )
    enqueue.add_argument(
        "--priority", type=int, default=5, choices=range(10), help="0 (first) to 9 (last)"
    )
    _add_voice_options(enqueue)
    _add_reading_options(enqueue)
    _add_chapter_option(enqueue, "the job is a book of these chapters, its files numbered from 0")
    enqueue.set_defaults(run=run_enqueue)

    inspect = commands.add_parser("inspect", help="what would be narrated, without synthesis")
    inspect.add_argument("manuscript", type=Path)
    inspect.add_argument("--json", action="store_true", help="one JSON object")
    _add_reading_options(inspect)
    inspect.set_defaults(run=run_inspect)

    for name, help_text, runner in (
        ("status", "a job's state and progress", run_status),
        ("wait", "wait for a job with a progress bar; exit code is the outcome", run_wait),
        ("cancel", "cancel a job", run_cancel),
    ):
        command = commands.add_parser(name, help=help_text)
        command.add_argument("job")
        if name == "status":
            command.add_argument("--json", action="store_true", help="one JSON object")
        if name == "wait":  # a script's or a CI log's terminal: no bar redrawn every second
            command.add_argument("--no-progress", action="store_true", help="no progress bar")
        command.set_defaults(run=runner)
    listing = commands.add_parser("list", help="recent jobs")
    listing.set_defaults(run=run_list)

    worker = commands.add_parser("worker", help="run a Celery worker with our settings")
    worker.add_argument(
        "--device",
        default=None,
        help="cpu, cuda, cuda:N, cuda:all (a worker per GPU) or auto; default NARRATE_DEVICE",
    )
    worker.add_argument(
        "--concurrency",
        type=int,
        default=None,
        help="tasks at once: threads of the one process that holds the voice (default 2 on "
        "the CPU, NARRATE_GPU_TASKS on a GPU); processes under NARRATE_WORKER_POOL=prefork "
        "(default 1)",
    )
    worker.add_argument("-n", "--name", default=None, help="Celery node name (celery@%%h)")
    worker.set_defaults(run=run_worker)

    serve = commands.add_parser("serve", help="the HTTP API and dashboard (narrate[service])")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on")
    serve.add_argument("--port", type=_port, default=8080, help="port (default: 8080)")
    serve.add_argument("--workers", type=_at_least_one, default=1, help="API processes")
    serve.set_defaults(run=run_serve)

    keys = commands.add_parser("keys", help="API keys of the service's tenants")
    key_commands = keys.add_subparsers(dest="keys_command", required=True)
    create = key_commands.add_parser("create", help="a new key; printed once, on the last line")
    create.add_argument("--tenant", required=True, help="the tenant's name (made if new)")
    for limit, kind in (
        ("requests-per-minute", int),
        ("max-active-jobs", int),
        ("max-manuscript-mb", float),
    ):
        create.add_argument(f"--{limit}", type=kind, default=None, help="this tenant's limit")
    create.set_defaults(run=run_keys_create)
    key_list = key_commands.add_parser("list", help="keys by tenant (ids, never the keys)")
    key_list.add_argument("--tenant", default=None)
    key_list.set_defaults(run=run_keys_list)
    revoke = key_commands.add_parser("revoke", help="revoke a key by its id")
    revoke.add_argument("key_id")
    revoke.set_defaults(run=run_keys_revoke)

    words = commands.add_parser("normalize", help="print the words the voice will be given")
    words.add_argument("text", nargs="?", default=None, help="default: each line of stdin")
    words.add_argument("--locale", default="en-US", help="en-US (default), en-GB, ...")
    _add_lexicon(words, "PLS or TSV lexicon, applied first (repeatable; later entries win)")
    words.set_defaults(run=run_normalize)

    again = commands.add_parser("redo", help="render one segment (a sentence) again, in place")
    again.add_argument("output", help="output directory, or a queued job's id")
    again.add_argument("--chapter", type=int, required=True, help="chapter index (from 0)")
    # --sentence: the flag's first name, kept; a segment holds short sentences together, so
    # the nth sentence of the marks is not the nth segment.
    again.add_argument(
        "--segment",
        "--sentence",
        dest="segment",
        type=int,
        required=True,
        help="segment index in the chapter (from 0): its place in the chapter's segments in "
        "manifest.json, as QA findings number it (chapter 1 segment 4); a segment is a "
        "sentence, or short ones read together",
    )
    again.add_argument("--text", default=None, help="say this instead of the segment's text")
    again.add_argument("--seed", type=int, default=None, help="sampling seed of the new take")
    _add_lexicon(again, "PLS or TSV lexicon for this segment, after the book's (repeatable)")
    again.set_defaults(run=run_redo)

    check = commands.add_parser("verify", help="check an output directory against its text")
    # Not a Path: it would fold s3://bucket into s3:/bucket.
    check.add_argument("output", help="output directory, file:///dir or s3://bucket/prefix")
    check.set_defaults(run=run_verify)

    acx = commands.add_parser("check", help="measure an output's MP3s against ACX's rules")
    acx.add_argument("output", help="output directory, file:///dir or s3://bucket/prefix")
    acx.add_argument("--acx", action="store_true", required=True, help="the ACX rules")
    acx.set_defaults(run=run_check)

    bench = commands.add_parser("bench", help="throughput and memory beside python -m piper")
    bench.add_argument("manuscript", type=Path)
    bench.add_argument("--chapter", type=int, default=None, help="only this chapter index")
    bench.add_argument("--voice", default=None, help="default: NARRATE_VOICE")
    bench.add_argument(
        "--skip-baseline", action="store_true", help="narrate alone, without piper beside it"
    )
    bench.add_argument(
        "--deliverables",
        action="store_true",
        help="also time --format mp3,m4b and --qa asr beside the WAV-only run",
    )
    bench.add_argument(
        "--device",
        default="cpu",
        help="cpu (baseline python -m piper) or cuda[:N] (baseline python -m piper --cuda)",
    )
    bench.add_argument(
        "--queue",
        metavar="DEST",
        default=None,
        help="instead of piper, compare synth with a job through the queue "
        "(needs NARRATE_BROKER_URL and, for s3://, the AWS_* variables)",
    )
    bench.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="run the pair this many times, alternating, and print the median ratio",
    )
    bench.set_defaults(run=run_bench)

    models = commands.add_parser("models", help="voice variants and their quality gate")
    model_commands = models.add_subparsers(dest="models_command", required=True)
    optimize = model_commands.add_parser(
        "optimize", help="build a precision variant and judge it against fp32 (Whisper)"
    )
    optimize.add_argument("--voice", default=None, help="default: NARRATE_VOICE")
    optimize.add_argument(
        "--precision", type=str.lower, required=True, choices=["fp16", "bf16", "int8"]
    )
    optimize.add_argument("--device", default=None, help="cpu, cuda[:N] or auto")
    optimize.add_argument(
        "--text", type=Path, default=None, help="gate text (default: a real chapter shipped)"
    )
    optimize.add_argument(
        "--render-only",
        type=Path,
        default=None,
        metavar="DIR",
        help="render fp32 and the variant into DIR and stop (judge with `models judge DIR`)",
    )
    optimize.set_defaults(run=run_optimize)
    listing = model_commands.add_parser(
        "list", help="the precisions this device runs, their gates, and which one runs"
    )
    listing.add_argument("--voice", default=None, help="default: NARRATE_VOICE")
    listing.add_argument("--device", default=None, help="default: NARRATE_DEVICE")
    listing.set_defaults(run=run_models_list)
    judge = model_commands.add_parser("judge", help="judge renditions kept by --render-only")
    judge.add_argument("folder", type=Path)
    judge.set_defaults(run=run_judge)
    return parser


def _add_voice_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--voice", default=None, help="voice name or path to a Piper .onnx")
    parser.add_argument(
        "--sample-rate", type=int, default=None, help="output rate in Hz (default: 44100)"
    )
    parser.add_argument(
        "--speed",
        type=float,
        default=1.0,
        help="1.0 is the voice's pace; 1.2 speaks each sound a fifth faster (above 0.2, at most 5)",
    )
    parser.add_argument(
        "--noise-scale", type=float, default=None, help="voice variation, 0-2 (the voice's own)"
    )
    parser.add_argument(
        "--noise-w", type=float, default=None, help="timing variation, 0-2 (the voice's own)"
    )
    parser.add_argument("--seed", type=int, default=0, help="same seed, same audio")
    parser.add_argument("--no-context", action="store_true", help="segments independent")
    parser.add_argument(
        "--format",
        default="wav",
        help="audio formats, comma-separated: wav,mp3 (ACX),m4b (the book),opus,flac",
    )
    parser.add_argument(
        "--credits", action="store_true", help="opening and closing credits as chapters"
    )
    parser.add_argument(
        "--sample-minutes", type=float, default=0.0, help="a retail sample (sample.mp3)"
    )
    parser.add_argument(
        "--qa",
        type=str.lower,  # in any case, as --format is
        choices=["basic", "asr"],
        default="basic",
        help="checks of every sentence: basic (pace, clipping, silence) or asr (and Whisper)",
    )


def _add_reading_options(parser: argparse.ArgumentParser) -> None:
    for flag, verb in (("--include", "narrate"), ("--skip", "do not narrate")):
        parser.add_argument(
            flag,
            action="append",
            default=[],
            metavar="TITLE_OR_KIND",
            help=f"{verb} the parts with this title, in any case, or the one title it begins, "
            "or of this kind (titlepage, colophon, ...; a kind the book lacks is a warning); "
            "may be repeated",
        )
    _add_lexicon(
        parser, "pronunciation lexicon, W3C PLS or TSV (may be repeated; later entries win)"
    )
    parser.add_argument(
        "--locale", default="", help="en-US, en-GB, ... for dates and numbers (default: the book's)"
    )


def _add_chapter_option(parser: argparse.ArgumentParser, result: str) -> None:
    parser.add_argument(
        "--chapter",
        action="extend",
        default=[],
        type=chapter_numbers,
        metavar="N",
        help="narrate only chapter N, numbered from 0 as `narrate inspect` lists them with the "
        "same --include/--skip (as bench does, and redo where there are no --credits); N-M a "
        f"range, N,M a list; may be repeated; {result}",
    )


def chapter_numbers(text: str) -> list[int]:
    """--chapter's value: N, a range N-M, or a list of them (1,4-6)."""
    numbers: list[int] = []
    for item in text.split(","):
        found = _CHAPTERS.fullmatch(item.strip())
        first, last = (int(found[1]), int(found[2] or found[1])) if found else (0, -1)
        if last < first:
            raise argparse.ArgumentTypeError(
                f"{text!r}: a chapter number (from 0), a range such as 3-5 or a list such as 1,4"
            )
        if last > MAX_CHAPTER:  # a range that would fill memory before the book says no
            raise argparse.ArgumentTypeError(f"{text!r}: chapter numbers stop at {MAX_CHAPTER}")
        numbers += range(first, last + 1)
    return numbers


_CHAPTERS = re.compile(r"(\d+)(?:-(\d+))?", re.ASCII)
MAX_CHAPTER = 99_999


def _add_lexicon(parser: argparse.ArgumentParser, help: str) -> None:
    parser.add_argument(
        "--lexicon", action="append", default=[], type=Path, metavar="FILE", help=help
    )


def reading_from(args: argparse.Namespace) -> "Reading":
    from producer.readers import Reading

    # The narrator setting, not the voice: a voice's name (joe) is no credit for a book.
    credits = get_settings().narrator if getattr(args, "credits", False) else ""
    return Reading(tuple(args.include), tuple(args.skip), tuple(args.lexicon), args.locale, credits)


def _warn(warnings: list[str]) -> None:
    for warning in warnings:
        print(f"narrate: warning: {warning}", file=sys.stderr)


def _voice(args: argparse.Namespace) -> str:
    return str(args.voice or get_settings().voice)


def options_from(args: argparse.Namespace) -> "SynthesisOptions":
    from config.settings import SynthesisOptions
    from models.registry import check_voice

    settings = get_settings()
    check_voice(_voice(args))  # a job naming no voice is refused as it is queued
    return SynthesisOptions(
        voice=_voice(args),
        # `is None`, not `or`: 0 Hz is a rate asked for, to be refused, not the default.
        sample_rate=settings.sample_rate if args.sample_rate is None else args.sample_rate,
        speed=args.speed,
        noise_scale=args.noise_scale,
        noise_w=args.noise_w,
        context=not args.no_context,
        seed=args.seed,
        formats=[name.strip() for name in args.format.split(",") if name.strip()],
        sample_minutes=args.sample_minutes,
        qa=args.qa,
    )


def run_synth(args: argparse.Namespace) -> int:
    from producer.stopping import Stopping
    from worker.folder import held
    from worker.narrators import Narrators

    # SIGTERM (`kill`, `timeout`, a service manager) stops a book as Ctrl-C does: the
    # chapters begun are stored, the helper processes shut down, not left holding a GPU.
    stopping = Stopping(args.output, EXIT_INTERRUPTED)
    narrators = None
    with contextlib.ExitStack() as holding:
        try:
            device_resolved()
            options = options_from(args)
            # A folder another run holds is refused now, before a process starts or the book
            # is read; one not made yet is made (and held) once the book has been read.
            if args.output.is_dir():
                holding.enter_context(held(args.output))
            # On a GPU the narrating processes start first: their imports and their voice's
            # loading overlap the reading.
            narrators = Narrators.ahead(get_settings(), voice=options.voice)
            began, manifest, progress = _synth(args, options, narrators, stopping)
        except (KeyboardInterrupt, Exception) as error:
            if not by_interrupt(error):
                raise
            if narrators:  # the chapters begun are stored first (a second signal abandons them)
                narrators.close()
            return stopping.interrupted()
        finally:
            if narrators:
                narrators.close()
    wall = time.perf_counter() - began
    log.debug("the book stored: %.2f s from its reading", wall)
    if args.stats:  # for `narrate bench`: where the time went
        from worker.timing import totals

        args.stats.write_text(json.dumps({"wall_s": wall, "stages": totals()}))
    # The device and the variant that ran: with NARRATE_DEVICE auto, the reader learns here
    # whether the GPU did the work.
    summary = synth_summary(manifest, progress, wall)
    if not summary.endswith("none narrated now"):
        summary += f" on {get_settings().device}, {manifest.model_variant}"
    print(f"{summary} -> {args.output}/ (job {manifest.job_id})")
    return 0


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def synth_summary(manifest: "Manifest", progress: "Progress | None", wall: float) -> str:
    """The book made; its speed counts only what this run narrated, not the chapters a
    resumed run kept (their audio took no time now, and would make the speed a fiction)."""
    chapters = len(manifest.chapters)
    segments = sum(len(ch.segments) for ch in manifest.chapters)
    audio = sum(ch.duration_s for ch in manifest.chapters)
    book = f"{_count(chapters, 'chapter')}, {_count(segments, 'segment')}, {_clock(audio)} of audio"
    kept, kept_audio = (progress.chapters_kept, progress.audio_kept_s) if progress else (0, 0.0)
    if not kept:
        return f"narrated {book} in {_clock(wall)} ({audio / max(wall, 1e-9):.1f}x real time)"
    if kept == chapters:
        return f"{book}: every chapter kept from an earlier run, none narrated now"
    new = audio - kept_audio
    return (
        f"{book}: {kept} kept from an earlier run, {chapters - kept} narrated now, "
        f"{_clock(new)} of audio in {_clock(wall)} ({new / max(wall, 1e-9):.1f}x real time)"
    )


def _synth(
    args: argparse.Namespace,
    options: "SynthesisOptions",
    narrators: "Narrators | None",
    stopping: "Stopping",
) -> tuple[float, "Manifest", "Progress | None"]:
    """Read the book and narrate it; when the narration began, the book's manifest and the
    last progress reported (None if none was)."""
    from config.jobs import job_id_for
    from models.phonemizer import load_config
    from models.registry import find_voice
    from producer.progress import ProgressBar
    from producer.readers import read_source, store_cover
    from worker.folder import held
    from worker.pipeline import narrate
    from worker.stages import audio_settings_digest

    source = read_source(args.manuscript, reading_from(args))
    log.debug("%s read: %s", args.manuscript, _count(len(source.manuscript.chapters), "chapter"))
    only = chosen(source.manuscript, args.chapter, args.manuscript)
    _warn(source.warnings)
    # A voice that cannot load is said before the folder changes (--replace removes the
    # book there); one whose model is damaged is found out only as it loads.
    load_config(find_voice(options.voice))
    with held(args.output) as output:
        # The folder found fit before the cover is written into it; narrate() stores the
        # manuscript itself: a chapter `narrate redo` changed keeps its text.
        job_id = job_id_for(source.manuscript, options)
        store_cover(output.prepare(job_id, args.replace, source.manuscript), source)
        began = time.perf_counter()
        bar = ProgressBar(enabled=not args.no_progress and sys.stderr.isatty())
        audio = audio_settings_digest(get_settings())
        stopping.narrating(source.manuscript, options, audio, lambda: bar.last)
        manifest = narrate(
            source.manuscript,
            options,
            args.output,
            get_settings(),
            bar.update,
            narrators=narrators,
            only=only,
            replace=args.replace,
        )
    bar.close()
    return began, manifest, bar.last


def chosen(manuscript: "Manuscript", numbers: list[int], path: Path) -> set[int] | None:
    """The indexes of the chapters --chapter numbers; None without it: every one."""
    from producer.readers.book import chapter_indexes

    return chapter_indexes(manuscript, numbers, str(path)) if numbers else None


def device_resolved() -> None:
    """The device the settings resolved (`auto`'s), for the processes this one starts: each
    would find the same, and say a warning of it again."""
    os.environ["NARRATE_DEVICE"] = get_settings().device


def run_enqueue(args: argparse.Namespace) -> int:
    from producer.submit import enqueue

    if not args.dest:
        raise PermanentError("--dest is needed (or NARRATE_API_URL, whose service has one)")
    ids = enqueue(
        args.manuscripts,
        args.dest,
        options_from(args),
        get_settings(),
        args.priority,
        reading_from(args),
        args.chapter,
    )
    for job_id in ids:
        print(job_id)
    return 0


def run_inspect(args: argparse.Namespace) -> int:
    from producer.inspect import print_report, report

    print_report(report(args.manuscript, reading_from(args)), args.json)
    return 0


def _ledger() -> "Ledger":
    from worker.ledger import Ledger

    ledger = Ledger(get_settings().broker_url)
    ledger.ping()
    return ledger


def run_status(args: argparse.Namespace) -> int:
    from producer.submit import job_view, status

    ledger = _ledger()
    if args.json:  # the API's view of the job (and its dest)
        print(json.dumps(job_view(ledger, args.job, with_dest=True), indent=2))
    else:
        print(status(ledger, args.job).line())
    return 0


def run_wait(args: argparse.Namespace) -> int:
    from config.jobs import JobState
    from producer.submit import wait

    final = wait(_ledger(), args.job, show=sys.stderr.isatty() and not args.no_progress)
    print(final.line())
    return 0 if final.state is JobState.DONE else 1


def run_cancel(args: argparse.Namespace) -> int:
    from producer.submit import cancel

    ledger = _ledger()
    changed = cancel(ledger, args.job)
    print(f"{args.job}: {'cancelled' if changed else 'already ' + ledger.state(args.job)}")
    return 0


def run_list(args: argparse.Namespace) -> int:
    from producer.submit import status

    ledger = _ledger()
    jobs = ledger.jobs()
    for job_id in jobs:
        print(status(ledger, job_id).line())
    if not jobs:  # on stderr, as kubectl does: a script reading the lines gets none
        print("no jobs", file=sys.stderr)
    return 0


def run_worker(args: argparse.Namespace) -> int:
    from models.runtime import check_device, check_runnable, device_processes, resolve_device
    from worker.service import run_worker as serve

    settings = get_settings()
    asked = args.device or settings.device
    given = f"--device {asked}" if args.device else f"NARRATE_DEVICE={asked}"
    every = asked == "cuda:all"
    device = asked if every else resolve_device(asked)
    if device == "cpu":  # one worker process: its pool's tasks share the cores
        return serve(device, args.concurrency, args.name)
    check_device(device)
    if not every:  # one GPU: the provider first, and one process needs no listing
        check_runnable(device, given)
        if device_processes(settings, device)[0] == 1:
            return serve(device, args.concurrency, args.name)
    from worker.exporter import exported
    from worker.gpus import supervise, worker_slots

    places = worker_slots(device, settings.device_processes, settings.gpu_memory_gb)
    if every:  # after the listing, whose errors say more; no provider: one error, not many
        check_runnable(device, given)
    if args.concurrency is not None and args.concurrency < 1:
        raise PermanentError("--concurrency must be 1 or more")
    if args.name and every:
        raise PermanentError(
            "--name: with --device cuda:all the workers are narrate-gpuN@%h (narrate-gpuN-K@%h)"
        )
    with exported(settings):  # the metrics of every worker, served here
        return supervise(
            places, lambda slot: gpu_worker_argv(slot, args.concurrency, args.verbose, args.name)
        )


def gpu_worker_argv(
    slot: "Slot", concurrency: int | None, verbose: bool = False, name: str | None = None
) -> list[str]:
    """The worker started for one slot: its GPU seen as cuda:0, under a node name of its
    own (narrate-gpuN@%h, or narrate-gpuN-K@%h for the K-th process of several; a --name
    given gets -K)."""
    common = [sys.executable, "-m", "producer.cli", *(["-v"] if verbose else [])]
    tasks = [] if concurrency is None else ["--concurrency", str(concurrency)]
    node, at, host = (name or f"narrate-gpu{slot.gpu}@%h").partition("@")
    if slot.processes > 1:
        node = f"{node}-{slot.process}"
    return [*common, "worker", "--device", "cuda:0", *tasks, "--name", f"{node}{at}{host}"]


def _port(text: str) -> int:
    """A TCP port: uvicorn would say it runs on 99999 while the kernel took another."""
    if not text.isdigit() or not 0 < int(text) < 65536:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port (1 to 65535)")
    return int(text)


def _at_least_one(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: a whole number, 1 or more")
    return int(text)


def run_serve(args: argparse.Namespace) -> int:
    from models.extras import require

    uvicorn = require("uvicorn", "service", "narrate serve")
    require("fastapi", "service", "narrate serve")
    _ledger()  # no Redis: one clear error now
    _check_port(args.host, args.port)
    uvicorn.run(
        "producer.service.app:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        log_level="debug" if args.verbose else "info",
    )
    return 0


def _check_port(host: str, port: int) -> None:
    """One clear error for an address taken or not this machine's, where uvicorn logs six
    lines and exits 3 (it binds as this does, reusing a port in TIME_WAIT)."""
    import socket

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
        family, kind, proto, _, address = infos[0]
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind(address)
    except OSError as error:
        reason = getattr(error, "strerror", None) or str(error)
        raise PermanentError(f"cannot listen on {host}:{port}: {reason}") from error


def _tenants() -> "Tenants":
    from worker.tenants import Tenants

    return Tenants(_ledger().redis, get_settings().api)


def run_keys_create(args: argparse.Namespace) -> int:
    names = ("requests_per_minute", "max_active_jobs", "max_manuscript_mb")
    limits = {name: getattr(args, name) for name in names if getattr(args, name) is not None}
    tenants = _tenants()
    key = tenants.create_key(args.tenant, limits)
    tenant = tenants.tenant(args.tenant)
    assert tenant is not None
    print(f"tenant {tenant.name}: webhooks are signed with {tenant.webhook_secret}")
    print("the API key below is shown this once; send it as Authorization: Bearer <key>")
    print(key)
    return 0


def run_keys_list(args: argparse.Namespace) -> int:
    for record in _tenants().keys(args.tenant):
        print(record.line())
    return 0


def run_keys_revoke(args: argparse.Namespace) -> int:
    changed = _tenants().revoke(args.key_id)
    print(f"{args.key_id}: {'revoked' if changed else 'already revoked'}")
    return 0


def run_verify(args: argparse.Namespace) -> int:
    from producer.verify import verify

    problems = verify(args.output, say=print)
    for problem in problems:
        print(f"narrate: {args.output}: {problem}", file=sys.stderr)
    if problems:
        return 1
    print(f"{args.output}: complete; every sentence present in order, files match the manifest")
    return 0


def run_redo(args: argparse.Namespace) -> int:
    from config.errors import OutputError
    from config.jobs import RedoRequest
    from models.lexicon import load_lexicons

    request = RedoRequest(
        chapter=args.chapter,
        segment=args.segment,
        text=args.text,
        seed=args.seed,
        lexicon=tuple(load_lexicons(args.lexicon)),
    )
    output = Path(args.output)
    if not output.is_dir():
        if args.output.startswith("job-"):
            from producer.submit import enqueue_redo

            print(enqueue_redo(_ledger(), args.output, request))
            return 0
        raise OutputError(f"{args.output}: neither an output directory nor a job id")
    from worker.folder import held
    from worker.redo import redo
    from worker.storage import LocalStorage

    with held(output):  # a synth into the folder meanwhile would write under the redo
        entry = redo(LocalStorage(output), request, get_settings())
    for finding in entry.qa:
        if finding.segment == args.segment:
            print(f"narrate: warning: {finding.line()}", file=sys.stderr)
    print(f"redid chapter {args.chapter} segment {args.segment} -> {output}/")
    return 0


def run_normalize(args: argparse.Namespace) -> int:
    from models.lexicon import Lexicon, load_lexicons
    from models.normalize import locale_for, normalize

    try:
        locale_for(args.locale)
    except ValueError as error:  # named as the readers name it: --locale 'fr-FR': ...
        print(f"narrate: error: --locale {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    lexicon = Lexicon(load_lexicons(args.lexicon))
    for line in [args.text] if args.text is not None else sys.stdin:
        # A byte order mark (a UTF-8 file saved by Notepad) is no word, as the readers agree.
        print(normalize(lexicon.apply(line.rstrip("\n").lstrip("\ufeff")), args.locale))
    return 0


def run_check(args: argparse.Namespace) -> int:
    from producer.check import check

    return check(args.output)


def run_seams(args: argparse.Namespace) -> int:
    from producer.quality import print_seams

    return print_seams(args.manuscript, args.chapter, args.paragraphs, _voice(args))


def run_bench(args: argparse.Namespace) -> int:
    from producer.bench import bench

    return bench(
        args.manuscript,
        args.chapter,
        _voice(args),
        not args.skip_baseline,
        args.queue,
        args.device,
        args.deliverables,
        args.rounds,
    )


def run_optimize(args: argparse.Namespace) -> int:
    from producer.optimize import optimize, print_report

    device = args.device or ("cuda" if args.precision == "fp16" else "cpu")
    given = f"--device {device}" if args.device else f"--precision {args.precision} (on {device})"
    report = optimize(_voice(args), args.precision, device, args.text, args.render_only, given)
    if report is None:
        print(f"rendered into {args.render_only}; judge with: narrate models judge DIR")
        return 0
    return print_report(report)


def run_models_list(args: argparse.Namespace) -> int:
    from config.devices import cuda_build
    from models.graph import model_digest
    from models.registry import find_voice
    from models.runtime import check_device, check_present, resolve_device
    from models.variants import choose_precision, describe

    settings = get_settings()
    voice = find_voice(_voice(args))
    asked = args.device or settings.device
    device = resolve_device(asked)
    check_device(device)
    # A GPU this host lacks is refused, as the other commands refuse it; `cuda` alone is
    # listed without one (what would run on a GPU host), with the note below.
    check_present(device, f"--device {asked}" if args.device else f"NARRATE_DEVICE={asked}")
    digest = model_digest(voice.model)
    chosen = choose_precision(settings.precision, device, digest, settings.cache_dir, voice.name)
    why = f"NARRATE_PRECISION={settings.precision}"
    if settings.precision == "auto":
        why += ": the fastest that passed"
    print(f"{voice.name} on {device}: runs {chosen} ({why})")
    for line in describe(device, digest, settings.cache_dir):
        print(f"  {line}")
    if device != "cpu" and not cuda_build():  # what would run there, not what runs here
        print(f"  note: this onnxruntime has no CUDA provider: nothing runs on {device} here")
    return 0


def run_judge(args: argparse.Namespace) -> int:
    from producer.optimize import judge_folder, print_report

    return print_report(judge_folder(args.folder))


def _clock(seconds: float) -> str:
    minutes, secs = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m{secs:02d}s" if hours else f"{minutes}m{secs:02d}s"


if __name__ == "__main__":
    entry()
