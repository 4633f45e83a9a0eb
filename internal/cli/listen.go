// listen.go holds the listen command: options, flags, help text and
// validation. The server's life cycle is in listen_server.go, the ready and
// summary lines in listen_summary.go.

package cli

import (
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/zegocb/zegocb/internal/callback"
	"github.com/zegocb/zegocb/internal/inspect"
)

type listenOptions struct {
	cmdEnv

	Addr           string
	Path           string
	MaxBody        string
	maxBody        int64
	AcceptInvalid  bool
	FailFirst      int
	Status         int
	Delay          time.Duration
	Reply          string // the default answer body (from --reply BODY; "1")
	ReplyArgs      []string
	ReplySet       bool
	replies        map[*callback.Event]string // --reply EVENT=BODY
	Save           string
	ForwardTo      string
	RetryScale     float64
	ForwardTimeout time.Duration

	// The display: which bodies print, and the filters (display only).
	Body         string
	Events       []string
	Rooms        []string
	Users        []string
	Streams      []string
	OnlyFailures bool

	PublicURL        string
	RequireSignature bool

	// --ui: the interactive inspector instead of printed text.
	UI        bool
	MaxEvents int

	// Hidden: tests shorten these.
	ReadHeaderTimeout time.Duration
	Grace             time.Duration
	PublicURLTimeout  time.Duration

	// Ready is called with the bound address once the port is open (tests).
	Ready func(addr string)
}

func newListenCmd(f *Factory, runF func(*listenOptions) error) *cobra.Command {
	opts := &listenOptions{}
	cmd := &cobra.Command{
		Use:   "listen",
		Short: "Receive callbacks locally: verify, label and pretty-print each one",
		Long: `Run a local callback receiver. For each request zegocb parses the JSON or form
body, tells its product family and event from the body alone (zim/room_create
from rtc/room_create by their fields), verifies the signature with the family's
scheme when a secret is configured, recognises ZEGO's re-deliveries (retry k of
N, and how far their timing is from the family's schedule: 2/4/8/16/32 s for
RTC) and answers 200 with body "1", or with the documented JSON answer of a
synchronous callback: {"result":0} to ZIM before_send_msg, {"Code":200,...} to
Mini Game. --reply BODY changes the "1"; --reply EVENT=BODY answers one event
(or FAMILY: all its events) with BODY, for example
  --reply 'before_send_msg={"result":3,"reason":"blocked by policy"}'
simulates a receiver that blocks every message.

On a terminal each event gets a header line and its body as pretty JSON, with
JSON-in-string fields (stream_attr, extra_params, ...) expanded and enum values
explained. Piped, the body is printed exactly as received; -q prints only the
header line; -o json prints one JSON object per event (schema in
docs/json.md). Header lines fit the terminal's width ($COLUMNS, else 100
columns when piped): the least useful parts are left out first, then long ids
are shortened with an ellipsis. A re-delivery whose body is identical to one
already shown is one line ("retry 2 of 5, +4.01s (10.2ms late), body identical
to #14"); --body full|new|none says which bodies print (default new: all but
those).

--event, --room, --user, --stream and --only-failures filter what is SHOWN only:
every request is still judged, answered, captured by --save and relayed by
--forward-to, and the summary counts the ones hidden.

A bad signature is answered 401 (unless --accept-invalid); a body that does not
parse, 400; a wrong --path, 404; a non-POST, 405; a body over --max-body, 413.

--fail-first N, --status CODE and --delay D simulate a failing or slow receiver,
so a sender's retries can be watched. --save FILE appends every judged request
(also 400/401 ones; not 404/405/413) as one JSON line, written before the answer
is sent; if the write fails the answer is 500. --forward-to URL relays each
accepted callback to your app: the app's answer to the first attempt is ours,
and when it fails zegocb retries in the background on ZEGO's schedule
(--retry-scale shortens it). A re-delivery of a callback already forwarded is
answered from that chain instead of being sent again.

To receive ZEGO's real callbacks, run a tunnel to this port (cloudflared, ngrok,
tailscale funnel; see docs/listen.md) and pass its URL as --public-url: listen
prints the URL to paste into ZEGO's console and checks once that a signed test
callback sent to it arrives here. It needs a secret.

--ui opens the interactive inspector on the traffic instead of printing it
(stdout must be a terminal): a live list, a detail pane, / to filter, f to jump
to failures, r to replay the selected callback to --forward-to (or to a URL you
type), c to write it as a curl command, ? for help, q to quit. It keeps the last
--max-events events (older ones leave the view); the answers and the --save
capture are exactly as without it. The banner prints before it opens, warnings
and the summary after it closes.

Stop with Ctrl-C (or q in the inspector): in-flight requests finish, the
capture file is closed, a summary is printed and the exit code is 0. A port that
is already taken exits 2.`,
		Example: `  zegocb listen
  zegocb listen --addr 127.0.0.1:9000 --path /zego/callback --save captures.jsonl
  zegocb listen --fail-first 2                             # watch a sender retry: 500, 500, then 200
  zegocb listen --forward-to http://127.0.0.1:3000/zego --retry-scale 0.1
  zegocb listen --reply 'before_send_msg={"result":3}'     # block ZIM messages
  zegocb listen --event stream_close --room room-1         # show only these
  zegocb listen --only-failures --save all.jsonl           # show problems, capture all
  zegocb listen --public-url https://x.trycloudflare.com/  # behind a tunnel
  zegocb listen --ui --save all.jsonl                      # the interactive inspector
  zegocb listen -o json | jq .event`,
		Args:        noArgs,
		Annotations: map[string]string{annotStopIsSuccess: "true"},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.bind(f, cmd)
			opts.ReplySet = cmd.Flags().Changed("reply")
			if err := opts.validate(cmd); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return runListen(opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Addr, "addr", "127.0.0.1:8080", "`host:port` to listen on (127.0.0.1:0 picks a free port)")
	fl.StringVar(&opts.Path, "path", "", "only accept callbacks on this `path` (others get 404)")
	fl.StringVar(&opts.MaxBody, "max-body", "1MiB", "largest body accepted; larger ones get 413 (`SIZE`: bytes, KiB, MiB)")
	fl.BoolVar(&opts.AcceptInvalid, "accept-invalid", false, "answer 200 even when the signature is bad (it is still shown as bad)")
	fl.IntVar(&opts.FailFirst, "fail-first", 0, "answer 500 to the first `N` deliveries of each callback")
	fl.IntVar(&opts.Status, "status", 0, "answer every callback with this HTTP status `CODE`")
	fl.DurationVar(&opts.Delay, "delay", 0, "wait `D` before answering (a slow receiver)")
	fl.StringArrayVar(&opts.ReplyArgs, "reply", nil, "answer body: `BODY` for every callback without a documented JSON answer (default \"1\"), or EVENT=BODY for one event or family (repeatable)")
	fl.StringVar(&opts.Save, "save", "", "append every request as a JSON line to `FILE` before answering (see docs/capture-format.md)")
	fl.StringVar(&opts.ForwardTo, "forward-to", "", "relay accepted callbacks to your app at `URL`, retrying on ZEGO's schedule when it fails")
	fl.Float64Var(&opts.RetryScale, "retry-scale", 1, "multiply the forward retry schedule (the event family's; RTC: 2s 4s 8s 16s 32s) by `F`")
	fl.DurationVar(&opts.ForwardTimeout, "forward-timeout", 10*time.Second, "per-attempt timeout when forwarding")
	fl.StringVar(&opts.Body, "body", string(bodyNew), "which bodies print (`MODE`): full (every delivery), new (all but identical re-deliveries) or none")
	fl.StringSliceVar(&opts.Events, "event", nil, "show only these events (`NAMES`, comma-separated: events, FAMILY/EVENT, families such as zim, groups: stream for RTC's, zim/room for another family's); display only, everything is still captured and forwarded")
	_ = cmd.RegisterFlagCompletionFunc("event", completeEventList(f))
	fl.StringSliceVar(&opts.Rooms, "room", nil, "show only callbacks of these room `IDS` (room_id, channel_id); display only")
	fl.StringSliceVar(&opts.Users, "user", nil, "show only callbacks of these user `IDS` (user_id, user_account); display only")
	fl.StringSliceVar(&opts.Streams, "stream", nil, "show only callbacks of these stream `IDS` (stream_id, stream_alias, mix_stream_alias); display only")
	fl.BoolVar(&opts.OnlyFailures, "only-failures", false, "show only bad signatures, non-2xx answers and rejected requests; display only")
	fl.StringVar(&opts.PublicURL, "public-url", "", "the tunnel's public `URL` to this listener: printed for ZEGO's console and checked once at start (needs a secret)")
	fl.BoolVar(&opts.RequireSignature, "require-signature", false, "refuse to start without a callback secret (implied by --public-url)")
	fl.BoolVar(&opts.UI, "ui", false, "open the interactive inspector on the traffic instead of printing it (needs a terminal; q or Ctrl-C stops)")
	fl.IntVar(&opts.MaxEvents, "max-events", inspect.DefaultMaxEvents, "with --ui, keep at most the last `N` events in the inspector (bounds its memory)")
	fl.DurationVar(&opts.PublicURLTimeout, "public-url-timeout", publicCheckTimeout, "how long the --public-url check waits for an answer")
	fl.DurationVar(&opts.ReadHeaderTimeout, "read-header-timeout", listenReadHeaderTimeout, "cut off clients that take longer to send their headers")
	fl.DurationVar(&opts.Grace, "shutdown-grace", listenGrace, "on Ctrl-C, how long in-flight requests may take to finish")
	_ = fl.MarkHidden("read-header-timeout")
	_ = fl.MarkHidden("public-url-timeout")
	_ = fl.MarkHidden("shutdown-grace")
	return cmd
}

func (o *listenOptions) validate(cmd *cobra.Command) error {
	if _, _, err := net.SplitHostPort(o.Addr); err != nil {
		return flagErrorf("invalid --addr %q: want host:port, e.g. 127.0.0.1:8080", o.Addr)
	}
	if o.Path != "" && !strings.HasPrefix(o.Path, "/") {
		return flagErrorf("invalid --path %q: it must start with /", o.Path)
	}
	n, err := parseSize(o.MaxBody)
	if err != nil {
		return flagErrorf("invalid --max-body %q: %v", o.MaxBody, err)
	}
	if o.Reply, o.replies, err = parseReplies(o.F, o.ReplyArgs); err != nil {
		return err
	}
	o.maxBody = n
	if o.FailFirst < 0 {
		return flagErrorf("invalid --fail-first %d: want 0 or more", o.FailFirst)
	}
	if o.Status != 0 && (o.Status < 200 || o.Status > 599) {
		return flagErrorf("invalid --status %d: want an HTTP status from 200 to 599", o.Status)
	}
	if o.Delay < 0 {
		return flagErrorf("invalid --delay %s: want 0 or more", o.Delay)
	}
	if o.ForwardTo != "" {
		u, err := url.Parse(o.ForwardTo)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return flagErrorf("invalid --forward-to %q: want an http:// or https:// URL", o.ForwardTo)
		}
		for _, name := range []string{"fail-first", "status", "reply"} {
			if cmd.Flags().Changed(name) {
				return flagErrorf("--forward-to and --%s cannot be used together: with --forward-to the answer is the app's", name)
			}
		}
	} else {
		for _, name := range []string{"retry-scale", "forward-timeout"} {
			if cmd.Flags().Changed(name) {
				return flagErrorf("--%s only applies with --forward-to", name)
			}
		}
	}
	if o.RetryScale <= 0 {
		return flagErrorf("invalid --retry-scale %v: want a number above 0", o.RetryScale)
	}
	if o.ForwardTimeout <= 0 {
		return flagErrorf("invalid --forward-timeout %s: want more than 0", o.ForwardTimeout)
	}
	switch bodyMode(o.Body) {
	case bodyFull, bodyNew, bodyNone:
	default:
		return flagErrorf("invalid --body %q: want full, new or none", o.Body)
	}
	if cmd.Flags().Changed("body") && (o.F.Global.Quiet || o.F.JSON() || o.UI) {
		return flagErrorf("--body only applies to the pretty view, not with -q, -o json or --ui")
	}
	if o.UI {
		if o.F.JSON() || o.F.Global.Quiet {
			return flagErrorf("--ui cannot be used with -q or -o json: the inspector replaces the printed lines")
		}
		if o.MaxEvents < 1 {
			return flagErrorf("invalid --max-events %d: want 1 or more", o.MaxEvents)
		}
		if err := needTerminal(o.F, "--ui", "run it in a terminal, or drop --ui (-q and -o json suit a pipe)"); err != nil {
			return err
		}
	} else if cmd.Flags().Changed("max-events") {
		return flagErrorf("--max-events only applies with --ui")
	}
	for _, list := range []*[]string{&o.Events, &o.Rooms, &o.Users, &o.Streams} {
		*list = cleanList(*list)
	}
	if o.PublicURL != "" {
		if err := validatePublicURL(o.PublicURL); err != nil {
			return err
		}
	}
	return nil
}

// cleanList trims the values of a comma-separated flag and drops empty ones.
func cleanList(in []string) []string {
	var out []string
	for _, v := range in {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

// filter is the display filter the flags ask for (nil: none).
func (o *listenOptions) filter() *listenFilter {
	f := &listenFilter{events: o.Events, rooms: o.Rooms, users: o.Users, streams: o.Streams, onlyFailures: o.OnlyFailures}
	if !f.active() {
		return nil
	}
	if f.filtersIDs() && o.ForwardTo != "" {
		f.shownSeqs = newSeqSet()
	}
	return f
}
