using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Slipway.Monitor.Checks;

/// <summary>Sees the server certificate of one HTTPS request: its expiry, and why it was refused if it was.</summary>
internal sealed class CertificateWatch(bool verify)
{
    public DateTimeOffset? NotAfter { get; private set; }

    /// <summary>The TLS errors that made the request fail; null when the certificate was accepted.</summary>
    public SslPolicyErrors? Rejection { get; private set; }

    public bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        // SslStream hands .NET's X509Certificate2 here.
        if (certificate is X509Certificate2 full)
        {
            NotAfter = new DateTimeOffset(full.NotAfter.ToUniversalTime(), TimeSpan.Zero);
        }

        if (!verify || errors == SslPolicyErrors.None)
        {
            return true;
        }

        Rejection = errors;
        return false;
    }
}
