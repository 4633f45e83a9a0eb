// listen_reply.go parses listen's --reply: the default answer body, and
// per-event answers (EVENT=BODY) that simulate a receiver's decision, such
// as ZIM before_send_msg's "block this message".

package cli

import (
	"strings"

	"github.com/zegocb/zegocb/internal/callback"
)

// parseReplies reads the --reply values: BODY sets the answer of every
// callback without a documented JSON answer; EVENT=BODY (EVENT a name or
// FAMILY/EVENT from 'zegocb events', or a family name for all its events)
// sets one event's. It returns the default body ("1" unless given) and the
// per-event bodies.
func parseReplies(f *Factory, args []string) (string, map[*callback.Event]string, error) {
	def := "1"
	var per map[*callback.Event]string
	for _, a := range args {
		k, body, ok := strings.Cut(a, "=")
		if !ok || !replyKey(k) {
			def = a
			continue
		}
		var evs []*callback.Event
		if e, alts := f.Catalog.Resolve(k); e != nil {
			if len(alts) > 0 {
				f.Hintf("--reply %s: %s", k, collisionHint(k, e, alts))
			}
			evs = []*callback.Event{e}
		} else if fam := f.Catalog.Family(k); fam != nil {
			evs = f.Catalog.FamilyEvents(fam)
		} else {
			return "", nil, flagErrorf("--reply %s=…: %q is no event or family: %s (a body with = in it needs no EVENT= prefix only when the text before = is not a name)", k, k, eventHint(f.Catalog, k))
		}
		if per == nil {
			per = map[*callback.Event]string{}
		}
		for _, e := range evs {
			per[e] = body
			if s := e.Answer().Sync; s != nil {
				if v := s.Judge([]byte(body), 0); !v.OK {
					f.Warnf("--reply %s: ZEGO would not accept this answer (%s)", e.Ref, strings.Join(v.Problems, "; "))
				}
			}
		}
	}
	return def, per, nil
}

// replyKey reports whether k can be an event or family name (letters,
// digits, _ and one /), so that "EVENT=BODY" is told from a body holding =.
func replyKey(k string) bool {
	if k == "" || strings.Count(k, "/") > 1 {
		return false
	}
	for _, r := range k {
		if !(r == '_' || r == '/' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}
