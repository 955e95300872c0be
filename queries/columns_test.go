package queries

import (
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// An unquoted comma in a flow mapping cuts a description and makes the rest a key: refused.
func TestColumnKeysStrict(t *testing.T) {
	var cols []Column
	err := yaml.Unmarshal([]byte(`- {name: region_code, label: 区划代码, description: code (6-digit county, 2-digit province)}`), &cols)
	if err == nil || !strings.Contains(err.Error(), "2-digit province") {
		t.Errorf("unquoted comma: %v", err)
	}
	shared, err := sharedColumns()
	if err != nil {
		t.Fatal(err)
	}
	if d := shared["region_code"].Description; !strings.HasSuffix(d, "2-digit province)") {
		t.Errorf("region_code description cut: %q", d)
	}
}
