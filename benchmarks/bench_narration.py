"""What narration costs: a scene rendered silent, with subtitles only, and narrated with the draft voice
(cold TTS cache, then warm), side by side in one run.

    .venv/bin/python benchmarks/bench_narration.py                      # Conv3x3 at 480p
    .venv/bin/python benchmarks/bench_narration.py --scene scenes/conv3x3.py Conv3x3 --quality 720p

The narrated video is longer (each step holds its last frame until its voice
is over), so the table gives seconds of rendering per second of video too.
The subtitle-only row is the cost of timing the story (a skipped run in a
child process) and muxing the streams, the video copied.  The TTS row times
espeak-ng alone over every spoken step (cold cache), and the decoding with
loudness normalisation (ffmpeg's loudnorm) of every clip.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_render import ONE, timed_render  # noqa: E402
from common import print_table, recorded  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scene", nargs=2, default=["scenes/conv3x3.py", "Conv3x3"], metavar=("FILE", "SCENE"))
    parser.add_argument("--quality", default="480p")
    args = parser.parse_args()
    scene_file, scene = args.scene
    from convanim.manim.story.timeline import story_timeline
    from convanim.narration.voices import decode, synthesize

    with tempfile.TemporaryDirectory(prefix="bench-narration-") as folder:
        os.environ["CONVANIM_CACHE"] = str(Path(folder, "cache"))  # a cold cache for the first narrated render
        rows = []
        silent, frames0 = timed_render(scene_file, scene, args.quality, Path(folder, "silent.mp4"), *ONE)
        rows.append(["silent", f"{silent:.1f}", frames0, f"{frames0 / 30:.1f}", f"{silent / (frames0 / 30):.2f}", "1.00"])
        for label, extra in (("subtitles only (en)", ["--set", "subtitles=en"]),
                             ("narrated, TTS, cold cache", ["--set", "narration=tts"]),
                             ("narrated, TTS, warm cache", ["--set", "narration=tts"])):
            seconds, frames = timed_render(scene_file, scene, args.quality, Path(folder, "out.mp4"), *ONE, *extra)
            rows.append([label, f"{seconds:.1f}", frames, f"{frames / 30:.1f}", f"{seconds / (frames / 30):.2f}",
                         f"{seconds / silent:.2f}"])
        timeline = story_timeline(scene_file, scene, [], ["en"])
        texts = [t.text for t in timeline.texts["en"] if t.text]
        os.environ["CONVANIM_CACHE"] = str(Path(folder, "cold"))
        start = time.perf_counter()
        clips = [synthesize(text, "en") for text in texts]
        tts = time.perf_counter() - start
        start = time.perf_counter()
        spoken = sum(len(decode(clip)) for clip in clips) / 48_000
        norm = time.perf_counter() - start
    print(f"{scene} at {args.quality}, one process, on this machine ({os.cpu_count()} cores):\n")
    print_table(["render", "seconds", "frames", "video seconds", "render s per video s", "× silent"], rows)
    print(f"\nespeak-ng over the {len(texts)} spoken steps: {tts:.2f} s for {spoken:.1f} s of speech; "
          f"decoding with loudnorm: {norm:.2f} s")


if __name__ == "__main__":
    with recorded("bench_narration"):
        main()
