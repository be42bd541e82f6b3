// Command webapp is the small web server the docktutor lessons build into images.
//
// It answers GET / with a greeting. With -selftest it starts on a free port, asks itself for /
// once, prints what it got and exits: that lets a lesson prove the image works without leaving
// a server running.
//
// Three more flags each need a file a real server needs and an empty image lacks, and exit 1
// without it: -certs (the CA certificates every HTTPS client verifies servers with), -tz NAME
// (the time zone database) and -whoami (/etc/passwd, which names the user the process runs as).
// The scratch lesson runs them on scratch, then with each file copied in.
package main

import (
	"crypto/x509"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/user"
	"runtime"
	"strconv"
	"time"
)

func handler(w http.ResponseWriter, r *http.Request) {
	fmt.Fprintf(w, "Hello from the Go web app! (%s, %s/%s)\n", runtime.Version(), runtime.GOOS, runtime.GOARCH)
}

func main() {
	addr := flag.String("addr", ":8080", "address to listen on")
	selftest := flag.Bool("selftest", false, "serve on a free port, request / once, print the answer and exit")
	certs := flag.Bool("certs", false, "count the CA certificates an HTTPS request would trust, and exit")
	tz := flag.String("tz", "", "print the time in this time zone (e.g. Europe/Paris), and exit")
	whoami := flag.Bool("whoami", false, "print the user this process runs as, from /etc/passwd, and exit")
	flag.Parse()

	checks := []struct {
		on  bool
		run func() (string, error)
	}{
		{*certs, checkCerts},
		{*tz != "", func() (string, error) { return checkZone(*tz) }},
		{*whoami, checkUser},
	}
	ran, failed := false, false
	for _, c := range checks {
		if !c.on {
			continue
		}
		ran = true
		out, err := c.run()
		if err != nil {
			fmt.Println("FAIL", err)
			failed = true
			continue
		}
		fmt.Println("ok  ", out)
	}
	if failed {
		os.Exit(1)
	}
	if ran {
		return
	}

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

// checkCerts counts the system's trusted CA certificates: Go reads them from
// /etc/ssl/certs/ca-certificates.crt (or SSL_CERT_FILE) on Linux. With none, every HTTPS
// request fails to verify its server.
func checkCerts() (string, error) {
	pool, err := x509.SystemCertPool()
	if err != nil {
		return "", fmt.Errorf("CA certificates: %v", err)
	}
	//lint:ignore SA1019 on Linux the system pool's subjects are the certificates it read
	n := len(pool.Subjects())
	if n == 0 {
		return "", fmt.Errorf("CA certificates: none found, HTTPS cannot verify servers")
	}
	return fmt.Sprintf("CA certificates: %d trusted", n), nil
}

// checkZone loads a time zone from the database in /usr/share/zoneinfo, or the zip file the
// ZONEINFO variable names, and prints the time there at noon UTC on 1 July 2026 (a fixed date, so
// that the output is the same every day: summer time in the north).
func checkZone(name string) (string, error) {
	loc, err := time.LoadLocation(name)
	if err != nil {
		return "", fmt.Errorf("time zone: %v", err)
	}
	t := time.Date(2026, 7, 1, 12, 0, 0, 0, time.UTC).In(loc)
	return fmt.Sprintf("time zone %s: 12:00 UTC is %s", name, t.Format("15:04 MST")), nil
}

// checkUser looks the process's user id up in /etc/passwd, as `id` and `whoami` do.
func checkUser() (string, error) {
	uid := strconv.Itoa(os.Getuid())
	u, err := user.LookupId(uid)
	if err != nil {
		return "", fmt.Errorf("user %s: %v", uid, err)
	}
	return fmt.Sprintf("user %s is %s, home %s", uid, u.Username, u.HomeDir), nil
}
