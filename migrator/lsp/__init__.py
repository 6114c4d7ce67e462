"""`astro-migrate lsp`: the checks of `check` in the editor, over the Language Server Protocol.

An optional extra (`pip install "astro-migrate[lsp]"`): pygls and lsprotocol are imported by
this package only, so `check` never loads them. `server` wires the protocol; `state` holds the
workspace (open buffers over the files on disk) and runs the pipeline; `diagnostics` and
`actions` turn its findings into what the editor shows and offers; `positions` maps offsets.
"""
