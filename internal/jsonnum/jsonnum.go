// Package jsonnum compares JSON numbers by value, the one rule the client's
// compare-then-put (api.SameJSON) and the editor's diff (views/diff) share:
// 1.0 equals 1 and 1e3 equals 1000, exactly, with no float rounding.
package jsonnum

import (
	"math/big"
	"strconv"
	"strings"
)

// maxExponent bounds the exponents compared by value: 1e999999999 would
// otherwise make math/big build a number with a billion digits. Numbers
// beyond it are equal only when spelt the same.
const maxExponent = 400

// Equal compares two JSON numbers (their text) by value, exactly.
func Equal(a, b string) bool {
	if a == b {
		return true
	}
	if exponent(a) > maxExponent || exponent(b) > maxExponent {
		return false
	}
	x, ok1 := new(big.Rat).SetString(a)
	y, ok2 := new(big.Rat).SetString(b)
	return ok1 && ok2 && x.Cmp(y) == 0
}

func exponent(s string) int {
	i := strings.IndexAny(s, "eE")
	if i < 0 {
		return 0
	}
	e, err := strconv.Atoi(strings.TrimPrefix(s[i+1:], "+"))
	if err != nil {
		return maxExponent + 1
	}
	return max(e, -e)
}
