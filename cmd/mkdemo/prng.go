package main

import "time"

// prng is SplitMix64: a tiny generator whose output is fixed by its
// definition, so the demo files are byte-identical on every Go release
// (math/rand's derived methods are free to change).
type prng struct{ s uint64 }

func newPRNG(seed uint64) *prng { return &prng{s: seed} }

func (r *prng) u64() uint64 {
	r.s += 0x9e3779b97f4a7c15
	z := r.s
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

func (r *prng) u32() uint32 { return uint32(r.u64() >> 32) }

// intn returns a number in [0, n); n must be positive.
func (r *prng) intn(n int) int { return int(r.u64() % uint64(n)) }

// between returns a number in [lo, hi].
func (r *prng) between(lo, hi int) int { return lo + r.intn(hi-lo+1) }

// dur returns a duration in [lo, hi] with millisecond resolution.
func (r *prng) dur(lo, hi time.Duration) time.Duration {
	ms := r.between(int(lo/time.Millisecond), int(hi/time.Millisecond))
	return time.Duration(ms) * time.Millisecond
}

const hexDigits = "0123456789abcdef"

// hex returns n random lower-case hex digits.
func (r *prng) hex(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = hexDigits[r.intn(16)]
	}
	return string(b)
}

// pick returns n random characters of alphabet.
func (r *prng) pick(alphabet string, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[r.intn(len(alphabet))]
	}
	return string(b)
}

const base58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"

// moneroAddress returns a 95-character standard Monero address shape:
// "4", then a digit or A/B, then base58 (the checksum is not real).
func (r *prng) moneroAddress() string {
	return "4" + r.pick("0123456789AB", 1) + r.pick(base58, 93)
}

// uuid returns a random version-4 UUID string.
func (r *prng) uuid() string {
	h := r.hex(32)
	return h[:8] + "-" + h[8:12] + "-4" + h[13:16] + "-" + string("89ab"[r.intn(4)]) + h[17:20] + "-" + h[20:]
}
