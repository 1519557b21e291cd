using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Slipway.Monitor.Checks;
using Slipway.Monitor.Tests.Support;

namespace Slipway.Monitor.Tests;

/// <summary>The HTTP check against a real TLS server with a self-signed certificate that expires soon.</summary>
public sealed class HttpsCheckTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    [Theory(Timeout = 60_000)]
    [InlineData(100, ServiceState.Ok)]
    [InlineData(20, ServiceState.Warning)]
    [InlineData(3, ServiceState.Critical)]
    public async Task The_days_until_the_certificate_expires_are_judged(int days, ServiceState state)
    {
        using var certificate = SelfSigned(DateTimeOffset.UtcNow.AddDays(days).AddHours(1));
        await using var server = new TinyHttpServer(certificate);

        var result = await new HttpCheck(new HttpCheckOptions($"https://127.0.0.1:{server.Port}/") { VerifyCertificate = false })
            .RunAsync(Timeout, TestContext.Current.CancellationToken);

        result.State.ShouldBe(state, result.Output);
        result.Output.ShouldContain($"certificate expires in {days} days");
        result.PerfData.Single(d => d.Label == "certificate_days").ShouldBe(new PerfDatum("certificate_days", days, "", "30:", "14:"));
    }

    [Fact(Timeout = 60_000)]
    public async Task An_untrusted_certificate_is_critical_when_verified()
    {
        using var certificate = SelfSigned(DateTimeOffset.UtcNow.AddDays(100));
        await using var server = new TinyHttpServer(certificate);

        var result = await new HttpCheck(new HttpCheckOptions($"https://127.0.0.1:{server.Port}/"))
            .RunAsync(Timeout, TestContext.Current.CancellationToken);

        result.State.ShouldBe(ServiceState.Critical);
        result.Output.ShouldStartWith($"HTTP CRITICAL - https://127.0.0.1:{server.Port}/: certificate not trusted (");
    }

    private static X509Certificate2 SelfSigned(DateTimeOffset notAfter)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(System.Net.IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), notAfter);
        // Through PKCS#12 so the private key is usable by SslStream on every platform.
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pfx), null);
    }
}
