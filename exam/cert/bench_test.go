package cert

import (
	"bytes"
	"context"
	"testing"
)

// BenchmarkRenderPDF renders a certificate (target: under 5 ms). Every
// iteration renders a newly issued certificate, its own id, token and so
// QR code (the issuing is not timed), so nothing rendered before is reused.
// SameLetters: the name's character set was seen before, so its font cut is
// cached; NewLetters: nearly every name brings a character set not seen
// before (the worst case, a new font cut per certificate).
func BenchmarkRenderPDF(b *testing.B) {
	fx := mustService(b)
	var buf bytes.Buffer
	render := func(b *testing.B, name func(n int) string) {
		b.ReportAllocs()
		n := 0
		for b.Loop() {
			n++
			b.StopTimer()
			c := fx.issue(b, request(name(n)))
			buf.Reset()
			b.StartTimer()
			if err := fx.svc.RenderPDF(&buf, c, "en"); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(buf.Len()), "pdf-bytes")
	}
	b.Run("SameLetters", func(b *testing.B) {
		render(b, func(int) string { return "Αλέξανδρος Παπαδόπουλος" })
	})
	b.Run("NewLetters", func(b *testing.B) {
		// Names drawn from a large alphabet so nearly every one has a new set.
		alphabet := []rune("abcdefghijklmnopqrstuvwxyzäöüßéèçñøåαβγδεζηθικλμνξοπρστυφχψωабвгдежзийклмнопрстуфхцчшщыэюя")
		render(b, func(n int) string {
			name := make([]rune, 0, 12)
			for k := 0; k < 12; k++ {
				name = append(name, alphabet[(n*7+k*k*13+n/len(alphabet))%len(alphabet)])
			}
			return string(name)
		})
	})
}

// BenchmarkVerify checks a token: parse, signature, claims and the status
// read from the database. Cold: the token was never verified before (the
// cache of verified tokens is emptied each time). Warm: a repeat check,
// which reads only the credential's row.
func BenchmarkVerify(b *testing.B) {
	ctx := context.Background()
	fx := mustService(b)
	c := fx.issue(b, request("Zoë Ångström"))
	for _, warm := range []bool{false, true} {
		name := map[bool]string{false: "Cold", true: "Warm"}[warm]
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if !warm {
					fx.svc.verified = newLRU[string](verifiedCacheEntries)
				}
				if v := fx.svc.Verify(ctx, c.Token); v.Status != StatusValid {
					b.Fatal(v.Reason)
				}
			}
		})
	}
}

// BenchmarkSign writes and signs one token with the cached key.
func BenchmarkSign(b *testing.B) {
	fx := mustService(b)
	c := fx.issue(b, request("Zoë Ångström"))
	k := fx.svc.keys.signer
	b.ReportAllocs()
	for b.Loop() {
		if _, err := signToken(k, fx.svc.baseURL, &c); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerifyPDF finds the token in an uploaded certificate and checks it.
func BenchmarkVerifyPDF(b *testing.B) {
	ctx := context.Background()
	fx := mustService(b)
	c := fx.issue(b, request("Наталья Иванова"))
	var buf bytes.Buffer
	if err := fx.svc.RenderPDF(&buf, c, "en"); err != nil {
		b.Fatal(err)
	}
	pdf := buf.Bytes()
	b.ReportAllocs()
	for b.Loop() {
		if v := fx.svc.VerifyPDF(ctx, pdf); v.Status != StatusValid {
			b.Fatal(v.Reason)
		}
	}
}

// BenchmarkPDFCached is a repeat download: the rendered document is kept.
func BenchmarkPDFCached(b *testing.B) {
	fx := mustService(b)
	c := fx.issue(b, request("Zoë Ångström"))
	if _, err := fx.svc.PDF(c, "en"); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := fx.svc.PDF(c, "en"); err != nil {
			b.Fatal(err)
		}
	}
}
