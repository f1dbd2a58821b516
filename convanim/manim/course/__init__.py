"""Course builds: every scene × language × quality of a course file, incremental, on Dask (``convanim build``).

- :mod:`~convanim.manim.course.course_file`: the TOML course file, checked;
- :mod:`~convanim.manim.course.jobs`: its jobs, their keys and manifests (what is up to date);
- :mod:`~convanim.manim.course.worker`: one job as a Dask worker runs it (a render process, a still);
- :mod:`~convanim.manim.course.index_page`: ``OUT/index.html``;
- :mod:`~convanim.manim.course.build`: the build on a LocalCluster or the cluster at ``--scheduler``.
"""
