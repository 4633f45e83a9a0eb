package verify

// CheckPayload checks one payload (a callback body or a capture record line)
// as Run would, without dedup: the tests', benchmarks' and fuzzer's way in.
func CheckPayload(opts Options, data []byte, lastLine bool) Result {
	opts.defaults()
	c := newChecker(&opts)
	r := Result{Signature: SigUnchecked, Line: 1}
	c.check(c.newState(), &r, data, lastLine)
	return r
}
