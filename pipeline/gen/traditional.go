package gen

import "xxgk/pipeline/decode"

// The traditional-character copies use the converter the decoder reverses (OpenCC, first
// candidate Big5 can spell), so a copy reads back to the same simplified text.
func init() { ToTraditional = decode.ToTraditional }
