"""The text path: from lines of text to the record's blocks.

- :mod:`.reader`: a page that is already plain text (a dump, a copy-paste) becomes the same
  record as the HTML path: lines classified, the story run found, header fields read.
- :mod:`.normalize`: the normalizer both paths share: characters fixed, leftover
  boilerplate blocks dropped, byline, dateline and wire furniture read.
- :mod:`.linepatterns`: the vocabulary's line patterns, tried only where they can match.
"""
