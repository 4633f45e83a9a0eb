package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDecode(t *testing.T) {
	tests := []struct {
		name  string
		stdin string
		args  []string
		tty   bool
		want  string
		exit  int
		err   string
	}{
		{
			name:  "form body, repeated keys and key[] become arrays",
			stdin: "event=stream_create&stream_alias=a%2Fb&rtmp_url=rtmp%3A%2F%2Fu1&rtmp_url=rtmp%3A%2F%2Fu2&hls_url[]=h1&user_name=Guest+1&room_session_id=858012925204410400\n",
			args:  []string{"--compact"},
			want:  `{"event":"stream_create","stream_alias":"a/b","rtmp_url":["rtmp://u1","rtmp://u2"],"hls_url":["h1"],"user_name":"Guest 1","room_session_id":"858012925204410400"}` + "\n",
		},
		{
			name:  "JSON with UrlEncoded string values; numbers keep their text",
			stdin: `{"event":"room_login","room_name":"room%23123%20A","room_session_id":858012925204410400,"pct":"100%","f":1.50}`,
			args:  []string{"--compact"},
			want:  `{"event":"room_login","room_name":"room#123 A","room_session_id":858012925204410400,"pct":"100%","f":1.50}` + "\n",
		},
		{
			name:  "wholly UrlEncoded JSON",
			stdin: "%7B%22event%22%3A%22mix_start%22%2C%22seq%22%3A12%7D",
			args:  []string{"--compact"},
			want:  `{"event":"mix_start","seq":12}` + "\n",
		},
		{
			name:  "expand JSON-in-string fields, recursively, including UrlEncoded ones",
			stdin: `{"stream_attr":"{\"cid\":0,\"v\":\"{\\\"x\\\":1}\"}","extra_params":"%7B%22TaskId%22%3A%22t%22%7D","third_define_data":"[1,2]","snapshot_pic_list":"[\"a.jpg\"]","plain":"{not json","n":858012925204410400}`,
			args:  []string{"--expand", "--compact"},
			want:  `{"stream_attr":{"cid":0,"v":{"x":1}},"extra_params":{"TaskId":"t"},"third_define_data":[1,2],"snapshot_pic_list":["a.jpg"],"plain":"{not json","n":858012925204410400}` + "\n",
		},
		{
			name:  "without --expand JSON-in-string stays a string",
			stdin: `{"stream_attr":"{\"cid\":0}"}`,
			args:  []string{"--compact"},
			want:  `{"stream_attr":"{\"cid\":0}"}` + "\n",
		},
		{
			name:  "piped default is indented without colour",
			stdin: "event=record&begin_time=1481597358",
			want:  "{\n  \"event\": \"record\",\n  \"begin_time\": \"1481597358\"\n}\n",
		},
		{
			name:  "-o json is one line",
			stdin: "event=record",
			args:  []string{"-o", "json"},
			want:  `{"event":"record"}` + "\n",
		},
		{
			name:  "invalid escape: offset and field",
			stdin: "event=room_login&room_id=%zz",
			exit:  2,
			err:   `error: stdin: byte 25: field "room_id": invalid escape "%zz"` + "\n",
		},
		{
			name:  "truncated escape",
			stdin: "event=room_login&room_id=ab%2",
			exit:  2,
			err:   `error: stdin: byte 27: field "room_id": truncated escape "%2"` + "\n",
		},
		{
			name:  "invalid JSON",
			stdin: `{"event":"room_login",}`,
			exit:  2,
			err:   "error: stdin: byte 22: invalid JSON: invalid character '}' looking for beginning of object key string\n",
		},
		{
			name: "missing file",
			args: []string{"testdata/nope.form"},
			exit: 2,
			err:  "error: testdata/nope.form: no such file or directory\n",
		},
		{
			name: "body given in place of a file",
			args: []string{"event=room_login&room_id=r1"},
			exit: 2,
			err:  "error: event=room_login&room_id=r1: no such file or directory; decode reads a FILE, so pipe a body given as text: echo '...' | zegocb decode\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := newCmdtest(t, cmdOpts{stdin: tt.stdin, tty: tt.tty}).call(append([]string{"decode"}, tt.args...)...)
			if code != tt.exit {
				t.Fatalf("exit %d, want %d (stderr %q)", code, tt.exit, errOut)
			}
			if out != tt.want {
				t.Errorf("stdout\n got %q\nwant %q", out, tt.want)
			}
			if errOut != tt.err {
				t.Errorf("stderr\n got %q\nwant %q", errOut, tt.err)
			}
			if tt.exit == 0 && !json.Valid([]byte(out)) {
				t.Errorf("output is not JSON: %s", out)
			}
		})
	}
}

// A string value holding ten million '[' once overflowed the stack in
// --expand (gjson.Valid recurses per level): a fatal error, not a panic.
// Too deep to be JSON, it stays the string it is.
func TestDecodeExpandDeepString(t *testing.T) {
	deep := strings.Repeat("[", 10<<20)
	body := `{"event":"stream_create","stream_attr":"` + deep + `","extra_params":"{\"a\":[1]}"}`
	out, err := decodeBody([]byte(body), true)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"event":"stream_create","stream_attr":"` + deep + `","extra_params":{"a":[1]}}`
	if string(out) != want {
		t.Fatalf("got %d bytes, want the deep string kept and extra_params expanded", len(out))
	}
}

func TestDecodeTTYIsColouredAndFile(t *testing.T) {
	code, out, _ := newCmdtest(t, cmdOpts{tty: true}).call("decode", "--expand", "../../testdata/verify/body.form")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	if !strings.Contains(out, "\x1b[") || !strings.Contains(out, "\n  ") {
		t.Fatalf("want indented, coloured JSON on a terminal: %q", out)
	}
	code, out, _ = newCmdtest(t, cmdOpts{tty: true}).call("decode", "--no-color", "../../testdata/verify/body.form")
	if code != 0 || strings.Contains(out, "\x1b[") || !strings.Contains(out, `"event": "stream_create"`) {
		t.Fatalf("--no-color: exit %d %q", code, out)
	}
}

func TestDecodeNoInputOnTTY(t *testing.T) {
	code, _, errOut := newCmdtest(t, cmdOpts{tty: true}).call("decode")
	if code != ExitUsage || !strings.Contains(errOut, "no input") {
		t.Fatalf("exit %d stderr %q", code, errOut)
	}
	code, _, errOut = newCmdtest(t, cmdOpts{}).call("decode", "a", "b")
	if code != ExitUsage || !strings.Contains(errOut, "at most 1") {
		t.Fatalf("exit %d stderr %q", code, errOut)
	}
}

func TestDecodeFlags(t *testing.T) {
	got, err := parseOpts(newCmdtest(t, cmdOpts{}), newDecodeCmd, "--expand", "--compact", "body.form")
	if err != nil {
		t.Fatal(err)
	}
	if !got.Expand || !got.Compact || got.Input != "body.form" {
		t.Fatalf("%+v", got)
	}
}

// On a terminal, C1 controls and bidi overrides in a body are shown as \u
// escapes; piped, the JSON is passed on as it was.
func TestDecodeEscapesTerminalControlsOnTTY(t *testing.T) {
	path := filepath.Join(t.TempDir(), "body.json")
	os.WriteFile(path, []byte("{\"event\":\"room_login\",\"room_name\":\"x\u009b2J\u202ey\"}"), 0o600)
	_, out, _ := newCmdtest(t, cmdOpts{tty: true}).call("decode", "--no-color", path)
	if strings.Contains(out, "\u009b") || strings.Contains(out, "\u202e") || !strings.Contains(out, `x\u009b2J\u202ey`) {
		t.Errorf("terminal: %q", out)
	}
	_, out, _ = newCmdtest(t, cmdOpts{}).call("decode", "--compact", path)
	if !strings.Contains(out, "x\u009b2J\u202ey") {
		t.Errorf("piped: %q", out)
	}
}
