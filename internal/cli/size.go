package cli

import (
	"errors"
	"strconv"
	"strings"
)

var errSize = errors.New("want a positive size such as 65536, 512KiB or 1MiB")

// parseSize reads the byte sizes of --max-body and --max-size: 1048576,
// 512KiB, 1MiB, 2M, 64k (K and M are binary, as in the defaults).
func parseSize(s string) (int64, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		mult   int64
	}{{"kib", 1 << 10}, {"mib", 1 << 20}, {"kb", 1 << 10}, {"mb", 1 << 20}, {"k", 1 << 10}, {"m", 1 << 20}, {"b", 1}} {
		if strings.HasSuffix(t, u.suffix) {
			t, mult = strings.TrimSpace(strings.TrimSuffix(t, u.suffix)), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(t, 10, 64)
	if err != nil || n <= 0 {
		return 0, errSize
	}
	if n > (1<<30)/mult {
		return 0, errors.New("over the 1 GiB maximum")
	}
	return n * mult, nil
}
