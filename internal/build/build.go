// Package build holds the version stamped by goreleaser:
//
//	-X github.com/zegocb/zegocb/internal/build.Version={{.Version}}
//
// and falls back to the module build info for `go install` builds.
package build

import (
	"runtime/debug"
	"sync"
)

// Set by -ldflags at release time.
var (
	Version = ""
	Commit  = ""
	Date    = ""
)

// Info is the resolved build description.
type Info struct {
	Version string `json:"version"`
	Commit  string `json:"commit"`
	Date    string `json:"date"`
	Go      string `json:"go"`
}

var (
	once sync.Once
	info Info
)

// Get returns the build info, filling gaps from debug.ReadBuildInfo.
func Get() Info {
	once.Do(func() {
		info = Info{Version: Version, Commit: Commit, Date: Date}
		bi, ok := debug.ReadBuildInfo()
		if ok {
			info.Go = bi.GoVersion
			if info.Version == "" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
				info.Version = bi.Main.Version
			}
			for _, s := range bi.Settings {
				switch s.Key {
				case "vcs.revision":
					if info.Commit == "" {
						info.Commit = s.Value
					}
				case "vcs.time":
					if info.Date == "" {
						info.Date = s.Value
					}
				}
			}
		}
		if info.Version == "" {
			info.Version = "dev"
		}
	})
	return info
}
