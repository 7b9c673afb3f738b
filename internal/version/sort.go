package version

import vlib "github.com/tote-dev/tote/api/version"

// Compare orders two version strings: by semver precedence (an optional
// "v", missing components as 0, calendar dates as year.month.day), valid
// versions before invalid ones, and otherwise (invalid strings, or equal
// precedence such as "1.2.3" and "v1.2.3") by byte order, so that the order
// is total. It returns -1, 0 or +1.
func Compare(a, b string) int { return vlib.Compare(a, b) }

// Sort sorts versions in place in ascending [Compare] order: semver
// ascending, invalid strings last in byte order.
func Sort(versions []string) { vlib.Sort(versions) }
