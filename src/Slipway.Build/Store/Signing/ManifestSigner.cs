using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.OpenSsl;

namespace Slipway.Build.Store.Signing;

/// <summary>Signs manifests with an ed25519 private key (.NET has no ed25519, hence BouncyCastle).</summary>
public sealed class ManifestSigner
{
    private readonly Ed25519PrivateKeyParameters _key;

    private ManifestSigner(Ed25519PrivateKeyParameters key)
    {
        _key = key;
        KeyId = ManifestSignature.KeyId(key.GeneratePublicKey().GetEncoded());
    }

    public string KeyId { get; }

    /// <summary>The public key as base64 of its 32 bytes: what consumers put in <c>build.signing.public_key</c>.</summary>
    public string PublicKeyBase64 => Convert.ToBase64String(_key.GeneratePublicKey().GetEncoded());

    /// <summary>Reads a PEM private key (PKCS#8, as <c>openssl genpkey -algorithm ed25519</c> writes it).</summary>
    public static ManifestSigner Load(string path)
    {
        object? read;
        try
        {
            using var text = File.OpenText(path);
            read = new PemReader(text).ReadObject();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or Org.BouncyCastle.Security.SecurityUtilityException
            or Org.BouncyCastle.Utilities.IO.Pem.PemGenerationException or InvalidCastException or ArgumentException)
        {
            throw new SigningKeyException($"{path}: cannot read the signing key ({e.Message})");
        }

        return read switch
        {
            Ed25519PrivateKeyParameters key => new ManifestSigner(key),
            Org.BouncyCastle.Crypto.AsymmetricCipherKeyPair { Private: Ed25519PrivateKeyParameters key } => new ManifestSigner(key),
            _ => throw new SigningKeyException(
                $"{path}: not an ed25519 private key in PEM (make one with: openssl genpkey -algorithm ed25519 -out {Path.GetFileName(path)})"),
        };
    }

    public static ManifestSigner FromSeed(byte[] seed) => new(new Ed25519PrivateKeyParameters(seed, 0));

    public ArtifactManifest Sign(ArtifactManifest manifest)
    {
        var signer = new Ed25519Signer();
        signer.Init(true, _key);
        var statement = ManifestSignature.Statement(manifest);
        signer.BlockUpdate(statement, 0, statement.Length);
        return manifest with { Signature = Convert.ToBase64String(signer.GenerateSignature()), SignedBy = KeyId };
    }
}

/// <summary>A signing or public key that cannot be used: a config error, reported before anything is built.</summary>
public sealed class SigningKeyException(string message) : Exception(message);
