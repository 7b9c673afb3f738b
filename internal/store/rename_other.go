//go:build !linux

package store

// renameNoReplace renames oldpath to newpath, failing with an error wrapping
// fs.ErrExist if newpath exists. The check and the rename are two steps
// here; callers hold the tool's lock, which closes the gap between them.
func renameNoReplace(oldpath, newpath string) error {
	return renameCheckThenMove(oldpath, newpath)
}
