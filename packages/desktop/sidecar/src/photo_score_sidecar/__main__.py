"""``python -m photo_score_sidecar`` (and the frozen executable): the photo-score CLI.

The packaged app runs ``photo-score-desktop app [FOLDER]`` or ``serve``; every other
command of the CLI works too.
"""

from photo_score.cli import entry

if __name__ == "__main__":
    entry()
