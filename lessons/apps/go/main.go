// Command webapp is the small web server the docktutor lessons build into images.
//
// It answers GET / with a greeting. With -selftest it starts on a free port, asks itself for /
// once, prints what it got and exits: that lets a lesson prove the image works without leaving
// a server running.
package main

import (
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"runtime"
)

func handler(w http.ResponseWriter, r *http.Request) {
	fmt.Fprintf(w, "Hello from the Go web app! (%s, %s/%s)\n", runtime.Version(), runtime.GOOS, runtime.GOARCH)
}

func main() {
	addr := flag.String("addr", ":8080", "address to listen on")
	selftest := flag.Bool("selftest", false, "serve on a free port, request / once, print the answer and exit")
	flag.Parse()

	mux := http.NewServeMux()
	mux.HandleFunc("/", handler)

	if *selftest {
		if err := runSelftest(mux); err != nil {
			fmt.Fprintln(os.Stderr, "selftest:", err)
			os.Exit(1)
		}
		return
	}
	log.Printf("listening on %s", *addr)
	log.Fatal(http.ListenAndServe(*addr, mux))
}

func runSelftest(h http.Handler) error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	go http.Serve(ln, h)
	resp, err := http.Get("http://" + ln.Addr().String() + "/")
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	fmt.Printf("GET / -> %s\n%s", resp.Status, body)
	return nil
}
