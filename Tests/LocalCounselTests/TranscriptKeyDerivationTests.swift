import Foundation
import Testing
@testable import LocalCounsel

/// PBKDF2-HMAC-SHA256 against published vectors (RFC 7914 §11) and the widely used c=1/2/4096 set.
@Suite struct TranscriptKeyDerivationTests {
    static func hex(_ b: [UInt8]) -> String { b.map { String(format: "%02x", $0) }.joined() }

    @Test func rfc7914VectorOneIteration() {
        let out = TranscriptKeyDerivation.pbkdf2SHA256(password: Array("passwd".utf8), salt: Array("salt".utf8),
                                                       iterations: 1, outputByteCount: 64)
        #expect(Self.hex(out) == "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc"
            + "49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783")
    }

    @Test func rfc7914Vector80000Iterations() {
        let out = TranscriptKeyDerivation.pbkdf2SHA256(password: Array("Password".utf8), salt: Array("NaCl".utf8),
                                                       iterations: 80_000, outputByteCount: 64)
        #expect(Self.hex(out) == "4ddcd8f60b98be21830cee5ef22701f9641a4418d04c0414aeff08876b34ab56"
            + "a1d425a1225833549adb841b51c9b3176a272bdebba1d078478f62b397f33c8d")
    }

    @Test(arguments: [
        ("password", "salt", 1, 32, "120fb6cffcf8b32c43e7225256c4f837a86548c92ccc35480805987cb70be17b"),
        ("password", "salt", 4096, 32, "c5e478d59288c841aa530db6845c4c8d962893a001ce4e11a4963873aa98134a"),
        ("passwordPASSWORDpassword", "saltSALTsaltSALTsaltSALTsaltSALTsalt", 4096, 40,
         "348c89dbcbd32b2f32d814b8116e84cf2b17347ebc1800181c4e2a1fb8dd53e1c635518c7dac47e9"),
        ("pass\0word", "sa\0lt", 4096, 16, "89b69d0516f829893c696226650a8687"),
    ])
    func commonVectors(password: String, salt: String, iterations: Int, length: Int, expected: String) {
        let out = TranscriptKeyDerivation.pbkdf2SHA256(password: Array(password.utf8), salt: Array(salt.utf8),
                                                       iterations: iterations, outputByteCount: length)
        #expect(Self.hex(out) == expected)
    }

    @Test func longPasswordIsHashedFirstAsHMACRequires() {
        // A password longer than SHA-256's 64-byte block goes through HMAC's key hashing; value from Python's
        // hashlib.pbkdf2_hmac('sha256', b'x'*100, b'salt', 2, 32).
        let out = TranscriptKeyDerivation.pbkdf2SHA256(password: Array(repeating: UInt8(ascii: "x"), count: 100),
                                                       salt: Array("salt".utf8), iterations: 2, outputByteCount: 32)
        #expect(Self.hex(out) == Self.pythonLongPassword)
    }

    static let pythonLongPassword = "d43a18cd77bafc1a4b0c6025dbbf29c7e6d67acce6ad02a736d4a3003b6a3c26"
}
