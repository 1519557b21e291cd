using Slipway.Build.Keys;
using Slipway.Build.Store;
using Slipway.Build.Store.Signing;
using Slipway.Testing;

namespace Slipway.Build.Tests;

/// <summary>ed25519 manifest signatures: keys as openssl writes them, and every way a manifest is refused.</summary>
public sealed class SigningTests
{
    // Made with: openssl genpkey -algorithm ed25519; openssl pkey -pubout (and -outform DER | tail -c 32 | base64).
    private const string PrivatePem = "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIDYXVtuDFQ+JNPgCgAklBGxQuX/JPCNhwS12qCApZ2E5\n-----END PRIVATE KEY-----\n";
    private const string PublicPem = "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEACaJNTdbZGNQNP9QZs+38JSNomiOFQEDmlL8iYx0aOyA=\n-----END PUBLIC KEY-----\n";
    private const string PublicBase64 = "CaJNTdbZGNQNP9QZs+38JSNomiOFQEDmlL8iYx0aOyA=";

    [Fact]
    public void A_manifest_signed_with_an_openssl_key_verifies_with_its_public_key_in_base64_or_pem()
    {
        using var dir = new TempDir();
        var signer = ManifestSigner.Load(dir.Write("build.pem", PrivatePem));
        signer.PublicKeyBase64.ShouldBe(PublicBase64);

        var signed = signer.Sign(Manifest());

        signed.SignedBy.ShouldBe(signer.KeyId);
        ManifestVerifier.Parse(PublicBase64).Check(signed).ShouldBeNull();
        ManifestVerifier.Parse(dir.Write("build.pub.pem", PublicPem)).Check(signed).ShouldBeNull();
    }

    [Fact]
    public void Unsigned_altered_and_foreign_manifests_are_refused_with_the_reason()
    {
        using var dir = new TempDir();
        var signer = ManifestSigner.Load(dir.Write("build.pem", PrivatePem));
        var verifier = ManifestVerifier.Parse(PublicBase64);
        var other = ManifestSigner.FromSeed(new byte[32]);

        verifier.Check(Manifest()).ShouldBe($"its manifest is not signed, and build.signing.public_key (key {verifier.KeyId}) requires a signature");
        verifier.Check(signer.Sign(Manifest()) with { ArtifactSha256 = new string('0', 64) })
            .ShouldBe($"its manifest's signature does not verify with build.signing.public_key (key {verifier.KeyId}): the manifest was altered after signing");
        verifier.Check(other.Sign(Manifest()))
            .ShouldBe($"its manifest is signed by key {other.KeyId}, not by build.signing.public_key (key {verifier.KeyId})");
    }

    [Fact]
    public void Keys_that_cannot_be_used_say_what_to_do()
    {
        using var dir = new TempDir();
        Should.Throw<SigningKeyException>(() => ManifestVerifier.Parse("not-a-key")).Message
            .ShouldBe("public_key: expected base64 of 32 bytes or the path of a PEM file, got 'not-a-key'");
        var pub = dir.Write("pub.pem", PublicPem);
        Should.Throw<SigningKeyException>(() => ManifestSigner.Load(pub)).Message
            .ShouldBe($"{pub}: not an ed25519 private key in PEM (make one with: openssl genpkey -algorithm ed25519 -out pub.pem)");
    }

    private static ArtifactManifest Manifest()
    {
        IReadOnlyList<KeyInput> inputs = [new("source", "git abc"), new("step 1", "make")];
        return new ArtifactManifest
        {
            Package = "libgreet",
            Key = ContentKey.Compute(inputs),
            Inputs = inputs,
            Files = [],
            ArtifactSha256 = new string('a', 64),
            ArtifactSize = 10,
            BuiltAt = DateTimeOffset.UnixEpoch,
            Builder = "test",
            BuildSeconds = 1,
        };
    }
}
