package sums

import (
	"strings"
	"testing"
)

const (
	a = "87a881f7ad6ef9e26609cb4d00065f1af3dcb8bdadc2898554c9a0bb286f434c"
	b = "d8a8329d2264a05a73d97a725ebcced1c455d72b1f09b25ea45a74a5823d86bd"
)

func TestFind(t *testing.T) {
	for name, tc := range map[string]struct {
		content, file, want, err string
	}{
		"sha256sum":      {a + "  terraform_0.14.11_linux_amd64.zip\n" + b + "  terraform_0.14.11_windows_amd64.zip\n", "terraform_0.14.11_windows_amd64.zip", b, ""},
		"binary-mode":    {a + " *./rustup-init\n", "rustup-init", a, ""},
		"bare":           {a, "kubectl", a, ""},
		"crlf-bom-upper": {"\ufeff" + strings.ToUpper(a) + "  x.zip\r\n", "x.zip", a, ""},
		"missing":        {a + "  x.zip\n", "y.zip", "", "no entry for y.zip"},
		"conflict":       {a + "  x.zip\n" + b + "  x.zip\n", "x.zip", "", "two different entries"},
		"garbage":        {"<html>not found</html>\n", "x.zip", "", "line 1 is not a checksum entry"},
		"empty":          {"\n\n", "x.zip", "", "no entries"},
		"short":          {"abcd  x.zip", "x.zip", "", "line 1"},
	} {
		got, err := Find([]byte(tc.content), tc.file)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%s: error %v, want %q", name, err, tc.err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("%s: %q %v, want %q", name, got, err, tc.want)
		}
	}
	if _, err := Find(make([]byte, maxSize+1), "x"); err == nil {
		t.Error("oversized file accepted")
	}
}
