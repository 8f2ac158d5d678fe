package config

import (
	"os"
	"strings"
	"testing"
)

func TestCypherEnabledConfig(t *testing.T) {
	for _, c := range []struct {
		env  string
		args []string
		want bool
	}{{"", nil, false}, {"true", nil, true}, {"false", []string{"-cypher-enabled"}, true}, {"true", []string{"-cypher-enabled=false"}, false}} {
		cfg, err := Load("serve", c.args, func(k string) string {
			if k == "LYSOEN_CYPHER_ENABLED" {
				return c.env
			}
			return ""
		}, os.ReadFile, &strings.Builder{})
		if err != nil || cfg.CypherEnabled != c.want {
			t.Errorf("env %q args %v: enabled %v (err %v), want %v", c.env, c.args, cfg.CypherEnabled, err, c.want)
		}
	}
	if _, err := Load("serve", nil, func(k string) string {
		if k == "LYSOEN_CYPHER_ENABLED" {
			return "maybe"
		}
		return ""
	}, os.ReadFile, &strings.Builder{}); err == nil || !strings.Contains(err.Error(), "LYSOEN_CYPHER_ENABLED") {
		t.Errorf("LYSOEN_CYPHER_ENABLED=maybe: err %v, want one naming the variable", err)
	}
}
