package cli

import (
	"crypto/md5"
	"encoding/hex"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// ZEGO's published examples of the families that sign differently, signed
// here by the formula in ZEGO's docs (not by zegocb), byte for byte as
// published apart from the signature, go through `zegocb verify`: Mini
// Game's fixed-order MD5 over AppId + SignatureNonce + secret + Timestamp,
// AI Agent's 13-digit ms timestamp, Digital Human's string timestamp.
func TestVerifyPublishedExamplesSignedByTheDocs(t *testing.T) {
	read := func(rel string) string {
		b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "payloads", rel))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	sortedSHA1 := func(parts ...string) string {
		sort.Strings(parts)
		return sha1Hex(strings.Join(parts, ""))
	}
	md5Hex := func(s string) string {
		sum := md5.Sum([]byte(s))
		return hex.EncodeToString(sum[:])
	}
	// The published signature values, replaced by the one the docs' formula gives.
	mini, miniSig := read("minigame/game_settlement.json"), "Pc5WB8gokVn0xfeu%2FZV%2BiNM1dgI%3D"
	agent, agentSig := read("aiagent/AgentInstanceDeleted.json"), "fd9c1ce54e85bd92f48b0a805e82a52b0c0c6445"
	human, humanSig := read("digitalhuman/drive_status.json"), "XXXXXXX"
	sign := func(body, old, sig string) string {
		if strings.Count(body, `"`+old+`"`) != 1 {
			t.Fatalf("fixture changed: %q not found once", old)
		}
		return strings.Replace(body, `"`+old+`"`, `"`+sig+`"`, 1)
	}
	tests := []struct {
		name   string
		body   string
		exit   int
		output string // substring of stdout+stderr
	}{
		{"minigame md5", sign(mini, miniSig, md5Hex("1234567890"+"15215528852396"+fixtureSecret+"1234567890")), 0, "1 passed"},
		{"minigame md5 wrong order", sign(mini, miniSig, md5Hex("1234567890"+fixtureSecret+"15215528852396"+"1234567890")), 1, "0 passed"},
		{"minigame sha1", sign(mini, miniSig, sortedSHA1(fixtureSecret, "1234567890", "15215528852396")), 1, "minigame signs md5("},
		{"minigame as published", mini, 1, "0 passed"},
		{"aiagent ms", sign(agent, agentSig, sortedSHA1(fixtureSecret, "1745502313000", "7450395512627324902")), 0, "1 passed"},
		{"aiagent signed as seconds", sign(agent, agentSig, sortedSHA1(fixtureSecret, "1745502313", "7450395512627324902")), 1, "0 passed"},
		{"digitalhuman string timestamp", sign(human, humanSig, sortedSHA1(fixtureSecret, "1681221510", "abcdd22113")), 0, "1 passed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := newCmdtest(t, cmdOpts{env: withSecret, stdin: tt.body}).call("verify", "-")
			if code != tt.exit || !strings.Contains(out+errOut, tt.output) {
				t.Fatalf("exit %d, want %d with %q\nstdout: %s\nstderr: %s", code, tt.exit, tt.output, out, errOut)
			}
		})
	}
}
