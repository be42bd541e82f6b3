package ui

import (
	"path/filepath"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/fsnotify/fsnotify"
)

// watchDebounce is how long a file must stay quiet after a change before it is re-checked:
// editors save in bursts (write, chmod, or a new file renamed over the old one).
const watchDebounce = 300 * time.Millisecond

// fileWatch follows one workspace file for learners who edit in another window: every save
// re-checks. It watches the file's folder, not the file, because many editors save by
// renaming a new file over the old one, which would end a watch on the file itself.
type fileWatch struct {
	w       *fsnotify.Watcher
	changed chan struct{}
	done    chan struct{}
}

// fileChangedMsg: the watched file was saved (and then left alone for watchDebounce).
type fileChangedMsg struct{ watch *fileWatch }

// watchFile starts following path; it returns nil when the system cannot watch (too many
// watches, say): the learner can still press c.
func watchFile(path string) *fileWatch {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return nil
	}
	if err := w.Add(filepath.Dir(path)); err != nil {
		w.Close()
		return nil
	}
	fw := &fileWatch{w: w, changed: make(chan struct{}, 1), done: make(chan struct{})}
	go fw.loop(filepath.Clean(path))
	return fw
}

// loop turns the folder's events about the file into at most one pending change, debounced.
func (fw *fileWatch) loop(path string) {
	var timer *time.Timer
	var fire <-chan time.Time
	for {
		select {
		case ev, ok := <-fw.w.Events:
			if !ok {
				return
			}
			if filepath.Clean(ev.Name) != path || ev.Op == fsnotify.Chmod {
				continue
			}
			if timer == nil {
				timer = time.NewTimer(watchDebounce)
			} else {
				timer.Reset(watchDebounce)
			}
			fire = timer.C
		case <-fw.w.Errors:
		case <-fire:
			fire = nil
			select {
			case fw.changed <- struct{}{}:
			default: // one change is already waiting to be read
			}
		case <-fw.done:
			return
		}
	}
}

// next waits for the next change; after stop it never returns a message.
func (fw *fileWatch) next() tea.Cmd {
	if fw == nil {
		return nil
	}
	return func() tea.Msg {
		select {
		case <-fw.changed:
			return fileChangedMsg{watch: fw}
		case <-fw.done:
			return nil
		}
	}
}

// stop ends the watch.
func (fw *fileWatch) stop() {
	if fw == nil {
		return
	}
	select {
	case <-fw.done:
	default:
		close(fw.done)
		fw.w.Close()
	}
}
