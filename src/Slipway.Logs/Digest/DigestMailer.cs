using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace Slipway.Logs.Digest;

public sealed record SmtpSettings(string Host, int Port, string? User = null, string? Password = null, bool StartTls = false);

/// <summary>Sends a digest as a multipart (text + HTML) mail through SMTP (MailKit): STARTTLS when offered or required, optional auth.</summary>
public static class DigestMailer
{
    public static async Task SendAsync(DigestReport report, SmtpSettings smtp, string from, IReadOnlyList<string> to, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(smtp);
        ArgumentNullException.ThrowIfNull(to);
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(from));
        foreach (var address in to)
        {
            message.To.Add(MailboxAddress.Parse(address));
        }

        message.Subject = report.Subject;
        message.Body = new BodyBuilder { TextBody = report.ToText(), HtmlBody = report.ToHtml() }.ToMessageBody();

        using var client = new SmtpClient();
        var security = smtp.StartTls ? SecureSocketOptions.StartTls : SecureSocketOptions.StartTlsWhenAvailable;
        await client.ConnectAsync(smtp.Host, smtp.Port, security, ct);
        if (smtp.User is not null)
        {
            await client.AuthenticateAsync(smtp.User, smtp.Password ?? "", ct);
        }

        await client.SendAsync(message, ct);
        await client.DisconnectAsync(quit: true, ct);
    }
}
