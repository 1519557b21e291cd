using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.OpenSsl;

namespace Slipway.Build.Store.Signing;

/// <summary>Accepts only manifests signed by one ed25519 public key.</summary>
public sealed class ManifestVerifier
{
    private readonly Ed25519PublicKeyParameters _key;

    private ManifestVerifier(Ed25519PublicKeyParameters key)
    {
        _key = key;
        KeyId = ManifestSignature.KeyId(key.GetEncoded());
    }

    public string KeyId { get; }

    /// <summary>Base64 of the 32 public bytes, or the path of a PEM public key (<c>openssl pkey -pubout</c>).</summary>
    public static ManifestVerifier Parse(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (File.Exists(value))
        {
            object? read;
            try
            {
                using var text = File.OpenText(value);
                read = new PemReader(text).ReadObject();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidCastException or ArgumentException
                or Org.BouncyCastle.Security.SecurityUtilityException)
            {
                throw new SigningKeyException($"{value}: cannot read the public key ({e.Message})");
            }

            return read is Ed25519PublicKeyParameters key
                ? new ManifestVerifier(key)
                : throw new SigningKeyException($"{value}: not an ed25519 public key in PEM (openssl pkey -in KEY.pem -pubout)");
        }

        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(value);
        }
        catch (FormatException)
        {
            bytes = [];
        }

        return bytes.Length == Ed25519PublicKeyParameters.KeySize
            ? new ManifestVerifier(new Ed25519PublicKeyParameters(bytes, 0))
            : throw new SigningKeyException(
                $"public_key: expected base64 of 32 bytes or the path of a PEM file, got '{(value.Length > 60 ? value[..60] + "…" : value)}'");
    }

    /// <summary>Null when the manifest is signed by this key; otherwise why it is refused, in words.</summary>
    public string? Check(ArtifactManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        if (manifest.Signature is not { Length: > 0 } signature)
        {
            return $"its manifest is not signed, and build.signing.public_key (key {KeyId}) requires a signature";
        }

        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(signature);
        }
        catch (FormatException)
        {
            return "its manifest's signature is not base64";
        }

        var verifier = new Ed25519Signer();
        verifier.Init(false, _key);
        var statement = ManifestSignature.Statement(manifest);
        verifier.BlockUpdate(statement, 0, statement.Length);
        if (verifier.VerifySignature(bytes))
        {
            return null;
        }

        return manifest.SignedBy is { } by && by != KeyId
            ? $"its manifest is signed by key {by}, not by build.signing.public_key (key {KeyId})"
            : $"its manifest's signature does not verify with build.signing.public_key (key {KeyId}): the manifest was altered after signing";
    }
}
