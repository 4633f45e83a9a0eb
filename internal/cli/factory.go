// factory.go holds the Factory every command gets (IO, environment, clock,
// nonce, catalog, file reader, global flags): the secret, the AppID, and
// reading a body from a file or stdin.

package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/zegocb/zegocb/internal/callback"
	"github.com/zegocb/zegocb/internal/signature"
	"github.com/zegocb/zegocb/internal/ui"
)

// Environment variables read by zegocb.
const (
	EnvSecret       = "ZEGO_CALLBACK_SECRET" // the callback secret (console: CallbackSecret)
	EnvServerSecret = "ZEGO_SERVER_SECRET"   // optional: used only to explain mismatches
	EnvAppID        = "ZEGO_APP_ID"
)

// Factory carries what commands need from the outside world. Tests replace
// any field; production uses New.
type Factory struct {
	IO      *ui.IOStreams
	Getenv  func(string) string
	Now     func() time.Time
	Nonce   func() string
	Catalog *callback.Catalog
	// ReadFile reads --secret-file and inputs (tests can swap it).
	ReadFile func(string) ([]byte, error)

	// Test seams, nil in production. Sleep replaces send's wait between
	// attempts (and its countdown); Rand fixes the values in send's and
	// probe's samples.
	Sleep func(ctx context.Context, d time.Duration) error
	Rand  func() *rand.Rand

	Global GlobalOptions

	stdinFor     string   // what stdin was claimed for (claimStdin)
	secretWarned []string // the secret's warnings said this run (warnSecretOnce)
}

// GlobalOptions are the root's persistent flags.
type GlobalOptions struct {
	SecretFile string
	SecretFlag string
	AppID      string
	Output     string
	Color      string
	NoColor    bool
	Quiet      bool
	Verbose    bool
}

// New returns the production factory.
func New(io *ui.IOStreams) *Factory {
	return &Factory{
		IO:       io,
		Getenv:   os.Getenv,
		Now:      time.Now,
		Nonce:    callback.NewNonce,
		Catalog:  callback.Default(),
		ReadFile: readFileCapped,
	}
}

// readFileCapped is os.ReadFile that stops one byte past maxBodyInput, so
// that a huge file (or /dev/zero) given as a body, secret or CA file is
// refused without being read whole into memory.
func readFileCapped(name string) ([]byte, error) {
	fh, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	return io.ReadAll(io.LimitReader(fh, int64(maxBodyInput)+1))
}

// sampleRand is the generator for sample values (nil: random).
func (f *Factory) sampleRand() *rand.Rand {
	if f.Rand == nil {
		return nil
	}
	return f.Rand()
}

// JSON reports whether -o json was asked for.
func (f *Factory) JSON() bool { return f.Global.Output == "json" }

// SecretSource says where the secret came from (never the secret itself).
type SecretSource string

const (
	SecretNone SecretSource = ""
	SecretFlag SecretSource = "--secret"
	SecretFile SecretSource = "--secret-file"
	SecretEnv  SecretSource = "$" + EnvSecret
)

// Secret resolves the callback secret: --secret (warns), then --secret-file,
// then $ZEGO_CALLBACK_SECRET. One trailing newline is trimmed from a file;
// other surrounding whitespace, from any source, is kept and warned about
// (once a run), since ZEGO's console secrets have none.
func (f *Factory) Secret() (string, SecretSource, error) {
	switch {
	case f.Global.SecretFlag != "":
		f.warnSecretOnce("--secret leaks into shell history and `ps`; prefer --secret-file or $%s", EnvSecret)
		s := f.Global.SecretFlag
		if strings.TrimSpace(s) != s {
			f.warnSecretOnce("the secret given with --secret has leading or trailing whitespace; ZEGO secrets have none (it is used as given)")
		}
		return s, SecretFlag, nil
	case f.Global.SecretFile != "":
		var (
			b   []byte
			err error
		)
		if f.Global.SecretFile == "-" {
			if err := f.claimStdin("--secret-file -"); err != nil {
				return "", SecretNone, err
			}
			b, err = io.ReadAll(io.LimitReader(f.IO.In, 64<<10))
		} else {
			b, err = f.ReadFile(f.Global.SecretFile)
		}
		if err != nil {
			return "", SecretNone, inputErrorf("--secret-file: %v", err)
		}
		s := string(b)
		trimmed := strings.HasSuffix(s, "\n")
		s = strings.TrimSuffix(s, "\n")
		if trimmed {
			s = strings.TrimSuffix(s, "\r")
		}
		if s == "" {
			return "", SecretNone, inputErrorf("--secret-file %s is empty", f.Global.SecretFile)
		}
		if strings.TrimSpace(s) != s {
			if trimmed {
				f.warnSecretOnce("the secret in %s has leading or trailing whitespace after its final newline was trimmed; ZEGO secrets have none (it is used as it is)", f.Global.SecretFile)
			} else {
				f.warnSecretOnce("the secret in %s has leading or trailing whitespace; ZEGO secrets have none (it is used as it is)", f.Global.SecretFile)
			}
		}
		return s, SecretFile, nil
	}
	if s := f.Getenv(EnvSecret); s != "" {
		if strings.TrimSpace(s) != s {
			f.warnSecretOnce("$%s has leading or trailing whitespace (a newline or spaces); ZEGO secrets have none (it is used as it is)", EnvSecret)
		}
		return s, SecretEnv, nil
	}
	return "", SecretNone, nil
}

// warnSecretOnce is Warnf, said once a run however often the secret is
// resolved.
func (f *Factory) warnSecretOnce(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	for _, w := range f.secretWarned {
		if w == msg {
			return
		}
	}
	f.secretWarned = append(f.secretWarned, msg)
	f.Warnf("%s", msg)
}

// SecretName names where the secret from src comes from, for diagnoses:
// "$ZEGO_CALLBACK_SECRET", "--secret-file PATH" or "--secret" ("" for none).
func (f *Factory) SecretName(src SecretSource) string {
	switch src {
	case SecretFile:
		if f.Global.SecretFile == "-" {
			return "--secret-file - (stdin)"
		}
		return "--secret-file " + f.Global.SecretFile
	case SecretNone:
		return ""
	}
	return string(src)
}

// RequireSecret is Secret, failing with a how-to when none is configured.
func (f *Factory) RequireSecret() (string, error) {
	s, _, err := f.Secret()
	if err != nil {
		return "", err
	}
	if s == "" {
		return "", errNoSecret()
	}
	return s, nil
}

func errNoSecret() error {
	return inputErrorf("no callback secret: set $%s, or pass --secret-file PATH (- for stdin)", EnvSecret)
}

// SigningSecret is the secret send and scenario sign with: the configured
// one, or, when none is configured, a random ephemeral one (ephemeral is
// then true; the built-in receiver or a dry run can check it) unless the
// callbacks go to an endpoint of the user's (to is not ""), which could
// not: that is an error.
func (f *Factory) SigningSecret(to string) (secret string, ephemeral bool, err error) {
	secret, _, err = f.Secret()
	switch {
	case err != nil:
		return "", false, err
	case secret != "":
		return secret, false, nil
	case to != "":
		return "", false, errNoSecret()
	}
	return ephemeralSecret(), true, nil
}

// OtherSecrets are extra secrets tried only to explain a mismatch.
func (f *Factory) OtherSecrets() []signature.NamedSecret {
	if s := f.Getenv(EnvServerSecret); s != "" {
		return []signature.NamedSecret{{Name: "ServerSecret ($" + EnvServerSecret + ")", Secret: s}}
	}
	return nil
}

// AppID returns --appid or $ZEGO_APP_ID ("" when unset).
func (f *Factory) AppID() string {
	if f.Global.AppID != "" {
		return f.Global.AppID
	}
	return f.Getenv(EnvAppID)
}

// claimStdin reserves stdin for what ("--secret-file -", "the body"). It
// can be read only once, so a claim by something else fails, naming both;
// every reader of stdin claims it first.
func (f *Factory) claimStdin(what string) error {
	if f.stdinFor != "" && f.stdinFor != what {
		return flagErrorf("%s and %s cannot both be read from stdin", f.stdinFor, what)
	}
	f.stdinFor = what
	return nil
}

// maxBodyInput caps a callback body read by sign, decode and send --data:
// callbacks are a few KiB, so more is a mistake (a capture file, a binary).
// A variable only so that a test can lower it.
var maxBodyInput = 64 << 20

// readBody reads one callback body from path, or from stdin for "" and
// "-", and returns it with the name to show in errors ("stdin" or path).
// Errors are InputErrors that start with that name.
func (f *Factory) readBody(path string) ([]byte, string, error) {
	name := path
	var (
		body []byte
		err  error
	)
	if path == "" || path == "-" {
		name = "stdin"
		if err := f.claimStdin("the body"); err != nil {
			return nil, name, err
		}
		body, err = io.ReadAll(io.LimitReader(f.IO.In, int64(maxBodyInput)+1))
	} else {
		body, err = f.ReadFile(path)
	}
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err // the name is said once, first
		}
		return nil, name, inputErrorf("%s: %w", name, err)
	}
	if len(body) > maxBodyInput {
		return nil, name, inputErrorf("%s: over %s: a callback body is a few KiB", name, sizeText(maxBodyInput))
	}
	return body, name, nil
}

// cmdEnv is how every command's options begin (gh's shape): the IO
// streams, the factory whose functions the command calls (Secret, Now,
// Nonce, Catalog, readBody, Warnf, ...) and the command's context. bind
// fills it when the command runs.
type cmdEnv struct {
	IO  *ui.IOStreams
	F   *Factory
	Ctx context.Context
}

// bind sets the environment from f and cmd's context (Background when the
// command runs without one).
func (e *cmdEnv) bind(f *Factory, cmd *cobra.Command) {
	e.IO, e.F, e.Ctx = f.IO, f, cmd.Context()
	if e.Ctx == nil {
		e.Ctx = context.Background()
	}
}
