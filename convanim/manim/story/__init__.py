"""A scene's story as steps: where it is cut (:mod:`.steps`, shared by slide decks and narration), its
timeline on the silent clock (:mod:`.timeline`), the narrated scene that waits for its voice (:mod:`.voiced`),
the narration options (:mod:`.options`) and the narrated render around the plain one (:mod:`.narrate`)."""
