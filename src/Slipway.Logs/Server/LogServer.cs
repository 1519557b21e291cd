using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Slipway.Logs.Intake;
using Slipway.Logs.Parsing;
using Slipway.Logs.Storage;
using Slipway.Logs.Web;

namespace Slipway.Logs.Server;

/// <summary>
/// <c>slipway logs serve</c>: syslog listeners (UDP, TCP), the HTTP side (POST /api/logs, the browser, /metrics),
/// the intake pipeline and retention, in one process. <see cref="StopAsync"/> stops taking input, then writes
/// everything received before it returns.
/// </summary>
public sealed class LogServer(LogServerOptions options, ILoggerFactory? loggerFactory = null, TimeProvider? clock = null) : IAsyncDisposable
{
    private readonly ILoggerFactory _loggers = loggerFactory ?? NullLoggerFactory.Instance;
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;
    private readonly CancellationTokenSource _abandon = new();
    private ILogStore? _store;
    private IntakePipeline? _pipeline;
    private Task? _writer;
    private Task? _retention;
    private Task? _digest;
    private SyslogUdpListener? _udp;
    private SyslogTcpListener? _tcp;
    private WebApplication? _web;
    private bool _stopped;

    public IPEndPoint? UdpEndPoint => _udp?.LocalEndPoint;

    public IPEndPoint? TcpEndPoint => _tcp?.LocalEndPoint;

    public Uri? HttpAddress { get; private set; }

    public IntakeMetrics Metrics => _pipeline?.Metrics ?? throw new InvalidOperationException("not started");

    public ILogStore Store => _store ?? throw new InvalidOperationException("not started");

    /// <summary>Completes when the writer stops on its own (a fatal database error without a spool).</summary>
    public Task Writer => _writer ?? Task.CompletedTask;

    public async Task StartAsync(CancellationToken ct)
    {
        FileLimit.RaiseToHardLimit();
        _store = LogStoreFactory.Open(options.Database);
        await _store.MigrateAsync(ct);
        var spool = options.SpoolPath ?? DefaultSpoolPath(options.Database);
        _pipeline = new IntakePipeline(_store, new IntakeOptions
        {
            QueueCapacity = options.QueueCapacity,
            BatchSize = options.BatchSize,
            SpoolPath = spool,
        }, _clock, _loggers.CreateLogger("Slipway.Logs.Intake"));
        _writer = Task.Run(() => _pipeline.RunAsync(_abandon.Token), CancellationToken.None);

        var parser = new SyslogParser(options.SenderZone);
        var log = _loggers.CreateLogger("Slipway.Logs.Syslog");
        if (options.SyslogUdp is { } udp)
        {
            _udp = new SyslogUdpListener(_pipeline, parser, _clock, log) { MaxMessageBytes = options.MaxMessageBytes };
            _udp.Start(udp);
        }

        if (options.SyslogTcp is { } tcp)
        {
            _tcp = new SyslogTcpListener(_pipeline, parser, _clock, log) { MaxFrameBytes = options.MaxMessageBytes };
            _tcp.Start(tcp);
        }

        if (options.Http is { } http)
        {
            _web = WebHost.Build(http, new WebContext(_store, _pipeline, options, _clock), _loggers);
            await _web.StartAsync(ct);
            var address = _web.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            HttpAddress = new Uri(address.EndsWith('/') ? address : address + "/");
        }

        if (options.Digest is { } digest)
        {
            _digest = Task.Run(() => DigestLoopAsync(digest, _abandon.Token), CancellationToken.None);
        }

        if (options.RetentionDays > 0)
        {
            _retention = Task.Run(() => RetentionLoopAsync(_abandon.Token), CancellationToken.None);
        }
    }

    private async Task RetentionLoopAsync(CancellationToken ct)
    {
        var log = _loggers.CreateLogger("Slipway.Logs.Retention");
        while (!ct.IsCancellationRequested)
        {
            try
            {
                var cutoff = _clock.GetUtcNow() - TimeSpan.FromDays(options.RetentionDays);
                int deleted;
                do
                {
                    // Small batches, each its own short transaction, so intake never waits long behind a delete.
                    deleted = await _store!.DeleteOlderThanAsync(cutoff, 2_000, ct);
                    await Task.Delay(TimeSpan.FromMilliseconds(50), _clock, ct);
                }
                while (deleted > 0);

                await Task.Delay(TimeSpan.FromMinutes(10), _clock, ct);
            }
            catch (OperationCanceledException)
            {
                return;
            }
#pragma warning disable CA1031 // retention must never take the server down; it retries on the next round
            catch (Exception e)
            {
                ServerLog.RetentionFailed(log, e.Message);
                await Task.Delay(TimeSpan.FromMinutes(1), _clock, CancellationToken.None);
            }
#pragma warning restore CA1031
        }
    }

    private async Task DigestLoopAsync(ScheduledDigest digest, CancellationToken ct)
    {
        var log = _loggers.CreateLogger("Slipway.Logs.Digest");
        var next = digest.Schedule.Next(_clock.GetUtcNow());
        while (!ct.IsCancellationRequested)
        {
            try
            {
                // Poll rather than sleep until "next": immune to clock jumps (suspend, NTP steps) and to a missed timer.
                await Task.Delay(TimeSpan.FromSeconds(15), _clock, ct);
                var now = _clock.GetUtcNow();
                if (now < next)
                {
                    continue;
                }

                next = digest.Schedule.Next(now);
                var report = await Digest.DigestReport.BuildAsync(_store!, now - digest.Period, now, digest.Top, digest.BaseUrl, ct,
                    Releases.DeployTimeline.Load(options.DeployHistory));
                await Digest.DigestMailer.SendAsync(report, digest.Smtp, digest.From, digest.To, ct);
                await _store!.SetStateAsync(Digest.DigestReport.LastDigestKey, now.ToString("O", System.Globalization.CultureInfo.InvariantCulture), ct);
                ServerLog.DigestSent(log, report.Subject);
            }
            catch (OperationCanceledException)
            {
                return;
            }
#pragma warning disable CA1031 // a failed mail must not stop the server; the next run tries again
            catch (Exception e)
            {
                ServerLog.DigestFailed(log, e.Message);
            }
#pragma warning restore CA1031
        }
    }

    /// <summary>Stops the listeners, then drains the queue into the database (or the spool) before returning.</summary>
    public async Task StopAsync()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        if (_udp is not null)
        {
            await _udp.DisposeAsync();
        }

        if (_tcp is not null)
        {
            await _tcp.DisposeAsync();
        }

        if (_web is not null)
        {
            await _web.StopAsync(CancellationToken.None);
        }

        _pipeline?.Complete();
        if (_writer is not null)
        {
            await _writer;
        }

        await _abandon.CancelAsync();
        if (_retention is not null)
        {
            await _retention;
        }

        if (_digest is not null)
        {
            await _digest;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync();
        }
        finally
        {
            if (_web is not null)
            {
                await _web.DisposeAsync();
            }

            if (_store is not null)
            {
                await _store.DisposeAsync();
            }

            _abandon.Dispose();
        }
    }

    private static string DefaultSpoolPath(string database) =>
        database.Contains("://", StringComparison.Ordinal)
            ? Path.Combine(Path.GetTempPath(), "slipway-logs-spool-" + Convert.ToHexStringLower(
                System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(database)).AsSpan(0, 6)) + ".jsonl")
            : Path.GetFullPath(database) + ".spool.jsonl";
}

internal static partial class ServerLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Digest sent: {Subject}")]
    public static partial void DigestSent(ILogger logger, string subject);

    [LoggerMessage(Level = LogLevel.Error, Message = "Sending the scheduled digest failed: {Reason}")]
    public static partial void DigestFailed(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Retention failed, will retry: {Reason}")]
    public static partial void RetentionFailed(ILogger logger, string reason);
}
