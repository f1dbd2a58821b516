"""The spoken story of a scene: a sentence or two for each story step, from the trace.

A scene's story is cut into steps at the calls of its step methods (the
same cuts as its slide deck: ``slide_cuts``, and ``slide_runs`` for a run of
quick steps that is one step).  The scene side records each step as the
list of :class:`Call` s it made; a family's narrator (for the conv layer,
:mod:`convanim.narration.conv_layer`) turns each step into a
:class:`StepText`: a stable id, a chapter title and what is said, in the
scene's language.  A step may have nothing to say (``text == ""``): it gets a
chapter, but no cue and no voice.

Numbers are written as the captions write them
(:func:`convanim.statements.format_number`) and come from the trace only.
Nothing here imports manim.
"""
from __future__ import annotations

from dataclasses import dataclass

from convanim.languages import translate, translate_plural

#: The pseudo-call that opens the first step (what is played before the first step method).
BEGIN = "begin"


@dataclass(frozen=True)
class Call:
    """One call of a step method: its ``name`` and positional ``args`` (trace objects such as a ConvStep)."""

    name: str
    args: tuple = ()


@dataclass(frozen=True)
class StepText:
    """What one story step says: ``id`` (stable for the same scene and options; a cue's identifier and a
    recording's file name), ``title`` (its chapter) and ``text`` (spoken; empty: a silent step)."""

    id: str
    title: str
    text: str


@dataclass
class Words:
    """The narrator's access to a language's catalogue (``tr``/``trn`` as in the scenes)."""

    language: str = "en"

    def tr(self, message: str, **fields) -> str:
        return translate(self.language, message, **fields)

    def trn(self, singular: str, plural: str, n: int, **fields) -> str:
        return translate_plural(self.language, singular, plural, n, **fields)


class Narrator(Words):
    """A family's narrator: ``narrate(steps)`` turns each story step (its list of calls) into a StepText.

    Each call is said by the narrator's method named after the scene's step
    method, ``say_<name>(*args)`` (``say_begin()`` for the opening), so a
    narrator reads like the scene's story; a call with no such method says
    nothing.  ``self.steps`` and ``self.step_index`` (the step being said)
    are there for a narrator that looks around.  The calls of
    ``run_methods`` after a step's first one are a run of quick steps and
    are said once, with the first."""

    run_methods: tuple[str, ...] = ()

    def narrate(self, steps: list[list[Call]]) -> list[StepText]:
        self.steps = steps
        self.prepare(steps)
        texts = []
        for k, calls in enumerate(steps):
            runs = [c for c in calls if c.name in self.run_methods]
            parts = [self.say(call, k) for call in calls if call.name not in self.run_methods or call is runs[0]]
            # the step is named by its first part that says something (a silent call may open it)
            first = next((p for p in parts if p.text), parts[0] if parts else StepText(f"step-{k}", "", ""))
            texts.append(StepText(first.id, first.title, joined(*(p.text for p in parts))))
        return unique_ids(texts)

    def prepare(self, steps: list[list[Call]]) -> None:
        """Look over the whole story before saying it (e.g. which run ends a filter)."""

    #: True for a backward scene's narrator: its code card computes the gradients shown.
    tells_gradients = False

    def say_show_code_card(self) -> StepText:
        """The closing code card of a family that has one (``show_code``)."""
        return StepText("code", self.tr("In PyTorch"), self.tr(
            "The same layer in PyTorch: these lines run it forward and back from the dL/dy shown and give the "
            "gradients shown.") if self.tells_gradients else self.tr(
            "The same layer in PyTorch: these lines build it with the weights shown and compute the output shown."))

    def say(self, call: Call, k: int) -> StepText:
        self.step_index = k
        method = getattr(self, f"say_{call.name}", None)
        return method(*call.args) if method is not None else StepText(call.name.replace("_", "-"), "", "")


def unique_ids(texts: list[StepText]) -> list[StepText]:
    """The same texts, a repeated id numbered (``sweep``, ``sweep-2``), so every id names one step."""
    seen: dict[str, int] = {}
    out = []
    for text in texts:
        seen[text.id] = seen.get(text.id, 0) + 1
        out.append(text if seen[text.id] == 1 else StepText(f"{text.id}-{seen[text.id]}", text.title, text.text))
    return out


def joined(*sentences: str) -> str:
    """Sentences joined by one space (empty ones left out); CJK and Thai sentences too, which is how
    their subtitles and TTS engines read them best."""
    return " ".join(s for s in sentences if s)


__all__ = ["BEGIN", "Call", "StepText", "Words", "Narrator", "unique_ids", "joined"]
