module webapp

// The oldest Go this module builds with; golang:1.27 builds it too.
go 1.26
