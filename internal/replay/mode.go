// mode.go holds how a selected payload is classified for delivery: the
// selected record, and decideMode with its stable reasons (byte-exact or
// re-stamped and re-signed).

package replay

import (
	"strconv"

	"github.com/zegocb/zegocb/internal/callback"
	"github.com/zegocb/zegocb/internal/signature"
)

// selected is a payload the selection takes, and how it is sent.
type selected struct {
	e      *entry
	mode   Mode
	reason string
}

// classify decodes one payload and decides whether it is selected and how
// it is sent. Structural errors are reported for every payload; a body
// that is not a known callback only when it is selected.
func (r *run) classify(d *decoder, file string, it item, e *entry) (*selected, error) {
	o := r.opts
	if err := d.frame(file, it, e); err != nil {
		return nil, err
	}
	if !o.Select.matchFrame(e) {
		return nil, nil
	}
	if err := d.payload(e); err != nil {
		if o.Select.needsPayload() {
			return nil, nil // not a callback: no event or room to match
		}
		return nil, err
	}
	if !o.Select.matchPayload(e.spec, e.name, e.room) {
		return nil, nil
	}
	if e.spec == nil && !o.AllowUnknown {
		msg := "no event field: not a ZEGO callback"
		if e.name != "" {
			msg = "unknown event " + strconv.Quote(e.name)
			if h := o.Catalog.QualifiedHint(e.name); h != "" {
				msg += " (" + h + ")"
			} else if s := o.Catalog.Suggest(e.name, 1); len(s) > 0 {
				msg += " (did you mean " + s[0] + "?)"
			}
		}
		return nil, &InputError{File: file, Line: e.line, Msg: msg + "; --allow-unknown replays it byte-exact"}
	}
	if o.PreserveTiming && !e.record {
		return nil, &InputError{File: file, Line: e.line, Msg: "a callback body has no received time: --preserve-timing replays capture records (listen --save) only"}
	}
	mode, reason, err := r.decideMode(e)
	if err != nil {
		return nil, err
	}
	return &selected{e: e, mode: mode, reason: reason}, nil
}

// Mode reasons, stable texts (Plan.Reasons counts by them).
const (
	ReasonAsked         = "as asked"
	ReasonVerifies      = "the captured signature verifies"
	ReasonNoSecret      = "no secret configured: the signature can be neither checked nor re-made"
	ReasonUnknownEvent  = "unknown event: cannot be re-stamped"
	reasonNotVerifyHead = "the captured signature does not verify"
)

// decideMode applies Options.Mode to one selected payload.
func (r *run) decideMode(e *entry) (Mode, string, error) {
	o := r.opts
	if e.reencoded {
		return r.reencodedMode(e)
	}
	switch {
	case o.Mode == ModeExact:
		return ModeExact, ReasonAsked, nil
	case o.Mode == ModeRestamp:
		if e.spec == nil {
			return 0, "", &InputError{File: e.file, Line: e.line, Msg: "cannot re-stamp event " + strconv.Quote(e.name) + ": the catalog does not know its signature fields"}
		}
		return ModeRestamp, ReasonAsked, nil
	case o.Secret == "":
		return ModeExact, ReasonNoSecret, nil
	}
	res := signature.Check(callback.SignatureInput(e.spec, e.p, o.Secret))
	if res.OK() {
		return ModeExact, ReasonVerifies, nil
	}
	if e.spec == nil {
		return ModeExact, ReasonUnknownEvent, nil
	}
	return ModeRestamp, reasonNotVerifyHead + " (" + string(res.Reason) + ")", nil
}
