package server

import (
	"crypto"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
)

// ErrEncryptedKey reports a PEM private key that is encrypted. Encrypted keys
// are unsupported; the operator must decrypt the key file first.
var ErrEncryptedKey = errors.New("encrypted private keys are not supported; decrypt the key with `openssl rsa -in key.pem -out key-decrypted.pem` and pass the decrypted file to --tls-key")

// loadKeyPair reads a PEM certificate chain (leaf first) and a PEM private key
// (PKCS#8, PKCS#1 RSA or SEC1 EC) and checks that the key belongs to the leaf.
// Errors name the file they concern.
func loadKeyPair(certFile, keyFile string) (tls.Certificate, error) {
	chain, leaf, err := readCertificateChain(certFile)
	if err != nil {
		return tls.Certificate{}, err
	}
	key, err := readPrivateKey(keyFile)
	if err != nil {
		return tls.Certificate{}, err
	}
	pub, ok := key.Public().(interface{ Equal(crypto.PublicKey) bool })
	if !ok || !pub.Equal(leaf.PublicKey) {
		return tls.Certificate{}, fmt.Errorf("private key %s does not match the certificate in %s", keyFile, certFile)
	}
	return tls.Certificate{Certificate: chain, PrivateKey: key, Leaf: leaf}, nil
}

// readCertificateChain returns the DER blocks of every CERTIFICATE in the file
// and the parsed leaf (the first one).
func readCertificateChain(path string) ([][]byte, *x509.Certificate, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, fmt.Errorf("read certificate file: %w", err)
	}
	var chain [][]byte
	for rest := data; ; {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			break
		}
		if block.Type == "CERTIFICATE" {
			chain = append(chain, block.Bytes)
		}
	}
	if len(chain) == 0 {
		return nil, nil, fmt.Errorf("no certificate found in %s", path)
	}
	leaf, err := x509.ParseCertificate(chain[0])
	if err != nil {
		return nil, nil, fmt.Errorf("parse leaf certificate in %s: %w", path, err)
	}
	return chain, leaf, nil
}

// readPrivateKey returns the first private key of the file, in whichever of the
// three supported PEM encodings it comes.
func readPrivateKey(path string) (crypto.Signer, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read private key file: %w", err)
	}
	for rest := data; ; {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			return nil, fmt.Errorf("no private key found in %s", path)
		}
		if block.Type == "ENCRYPTED PRIVATE KEY" || block.Headers["Proc-Type"] == "4,ENCRYPTED" {
			return nil, fmt.Errorf("%s: %w", path, ErrEncryptedKey)
		}
		key, known, err := parsePrivateKeyBlock(block)
		if !known {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("parse %s in %s: %w", block.Type, path, err)
		}
		return key, nil
	}
}

// parsePrivateKeyBlock decodes one PEM block; known is false for block types
// that do not hold a private key (parameters, certificates).
func parsePrivateKeyBlock(block *pem.Block) (key crypto.Signer, known bool, err error) {
	switch block.Type {
	case "PRIVATE KEY":
		parsed, err := x509.ParsePKCS8PrivateKey(block.Bytes)
		if err != nil {
			return nil, true, err
		}
		signer, ok := parsed.(crypto.Signer)
		if !ok {
			return nil, true, fmt.Errorf("unsupported PKCS#8 key type %T", parsed)
		}
		return signer, true, nil
	case "RSA PRIVATE KEY":
		k, err := x509.ParsePKCS1PrivateKey(block.Bytes)
		return k, true, err
	case "EC PRIVATE KEY":
		k, err := x509.ParseECPrivateKey(block.Bytes)
		return k, true, err
	}
	return nil, false, nil
}

// readCertPool parses a PEM bundle of CA certificates.
func readCertPool(path string) (*x509.CertPool, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read client CA file: %w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(data) {
		return nil, fmt.Errorf("invalid client CA bundle %s: no PEM certificate could be parsed", path)
	}
	return pool, nil
}
