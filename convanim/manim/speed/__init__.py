"""convanim.manim.speed: how a frame gets drawn and written fast, each piece switchable from a scene's options.

:class:`convanim.manim.rendering.batched_scene.BatchedScene` uses them all; each module is one narrow, documented
override of manimgl 1.7.2 or one drawing shortcut that leaves the frames as manimgl draws them:

- :mod:`.fill_canvas`: a frame-sized canvas for vector fills (manimgl's is twice the frame, cleared whole);
- :mod:`.still_layer`: the mobjects an animation does not touch, drawn once into a picture;
- :mod:`.layer_changes`: that picture drawn again only where it changed;
- :mod:`.sprites`: fading and sliding mobjects drawn once per animation and composited with their share and offset;
- :mod:`.shader_ids`: shader wrapper ids hashed from the uniforms' values;
- :mod:`.empty_strokes`: no stroke pass for wrappers with nothing to stroke;
- :mod:`.joint_angles`: joint angles recomputed at an animation's start and end only where points changed;
- :mod:`.vertex_bytes`: a render group's vertices gathered by joining their bytes;
- :mod:`.curve_insertion`: curves split for a Transform's alignment with numpy arrays;
- :mod:`.movie_pipe`: a wide pipe into ffmpeg, written from a thread, without a filter that changes nothing;
- :mod:`.glyph_text`: captions built from glyph outlines converted once per process;
- :mod:`.glyph_store`: those glyphs kept on disk for later processes;
- :mod:`.raster_threads`: small frames rasterised in the rendering thread;
- :mod:`.uniform_mirror`: a correctness fix (new shader programs start with no remembered uniforms).
"""
