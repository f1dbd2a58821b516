"""Where a scene's story is cut into steps, for slide decks and narration alike.

A scene names its step methods: ``slide_cuts`` (a new step before each call)
and ``slide_runs`` (a new step before the first of consecutive calls: a sweep
is one step).  A cut is made only when something was played since the last
one, so no step is empty.  :func:`with_story_steps` returns a subclass of a
scene whose step methods are wrapped by that rule; at each cut it calls the
subclass's ``end_story_step()`` (a deck starts its next slide there, a
narrated render waits for the voice, a timeline run notes the frame) and
records the calls each step made (``story_calls``: a list of
:class:`convanim.narration.Call` lists, the first opened by ``Call("begin")``).
"""
from __future__ import annotations

import functools

from convanim.narration.story import BEGIN, Call


def step_methods(scene_class: type) -> list[tuple[str, bool]]:
    """``(name, is_run)`` for each step method the scene names (``slide_cuts``, then ``slide_runs``)."""
    return ([(name, False) for name in getattr(scene_class, "slide_cuts", ())]
            + [(name, True) for name in getattr(scene_class, "slide_runs", ())])


def cut_before(method, run: bool):
    """``method`` wrapped: a new step starts before it (``run``: unless the last cut was this method too)."""
    name = method.__name__

    @functools.wraps(method)
    def wrapped(self, *args, **kwargs):
        if self.num_plays > self.plays_at_cut and not (run and self.last_cut == name):
            self.end_story_step()
            self.plays_at_cut = self.num_plays
            self.story_calls.append([])
        self.last_cut = name
        self.story_calls[-1].append(Call(name, args))
        return method(self, *args, **kwargs)

    return wrapped


class StorySteps:
    """Mixin of the subclasses :func:`with_story_steps` makes: the state of the cutting rule."""

    def start_story(self) -> None:
        self.plays_at_cut, self.last_cut = 0, None
        self.story_calls: list[list[Call]] = [[Call(BEGIN)]]

    def end_story_step(self) -> None:
        """Called at each cut, before the next step's first call (and by nobody after the last step)."""


def with_story_steps(scene_class: type, mixin: type, namespace: dict | None = None,
                     bases: tuple[type, ...] = ()) -> type:
    """A subclass of ``scene_class`` (named like it) whose bases are ``mixin`` (a StorySteps), then ``bases``,
    then the scene; its step methods cut by the rule above, and ``namespace`` as further class attributes."""
    body = {"__doc__": scene_class.__doc__, "__module__": scene_class.__module__, **(namespace or {})}
    for name, run in step_methods(scene_class):
        body[name] = cut_before(getattr(scene_class, name), run)

    def __init__(self, *args, **kwargs):
        self.start_story()
        super(cls, self).__init__(*args, **kwargs)

    body["__init__"] = __init__
    cls = type(scene_class.__name__, (mixin, *bases, scene_class), body)
    return cls


__all__ = ["step_methods", "cut_before", "StorySteps", "with_story_steps"]
