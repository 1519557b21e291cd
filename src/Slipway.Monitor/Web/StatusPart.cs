using Slipway.Core.Web;
using Slipway.Monitor.Service;
using Slipway.Monitor.Storage;

namespace Slipway.Monitor.Web;

/// <summary>
/// <c>/status</c> (every check, the stages' live releases and processes), <c>/status/check?id=NAME@HOST</c> (one check's
/// graphs and results) and the checks' part of <c>/metrics</c>, read from what <c>monitor serve</c> writes: the state
/// file and the results history. Served by the one web server the CLI runs (<c>logs serve --http</c>) behind its login.
/// </summary>
public sealed class StatusPart(StatusSources sources, TimeProvider? clock = null) : IWebPart
{
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    public string Prefix => "/status";

    public string Title => "Status";

    public async Task<WebAnswer?> GetAsync(WebAsk ask, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(ask);
        var path = ask.Path.TrimEnd('/');
        if (path == Prefix)
        {
            var state = await LoadStateAsync(ct);
            var stages = sources.Stages is { } s ? await s(ct) : null;
            var views = await ViewsAsync(state?.Checks ?? [], sources.SparklinePoints, ct);
            return WebAnswer.Html(StatusHtml.Overview(state, views, stages, _clock.GetUtcNow(), sources.StaleAfter, ask.Menu, Prefix));
        }

        if (path == Prefix + "/check")
        {
            var state = await LoadStateAsync(ct);
            var record = state?.Checks.FirstOrDefault(c => c.Id == ask["id"]);
            if (record is null)
            {
                return null;
            }

            var view = (await ViewsAsync([record], 500, ct))[0];
            return WebAnswer.Html(StatusHtml.Check(view, _clock.GetUtcNow(), ask.Menu, Prefix));
        }

        return null;
    }

    public async Task<string> MetricsAsync(CancellationToken ct)
    {
        var state = await LoadStateAsync(ct);
        var views = await ViewsAsync(state?.Checks ?? [], 1, ct);
        return PrometheusText.Render([.. views.Select(v => new PrometheusText.CheckSample(v.State, v.Recent.Count > 0 ? v.Recent[0].PerfData : ""))]);
    }

    /// <summary>The state file; a damaged or half-written one reads as none rather than breaking the page.</summary>
    private async Task<MonitorStateFile?> LoadStateAsync(CancellationToken ct)
    {
        try
        {
            return await MonitorStateFile.LoadAsync(sources.StatePath, ct);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private async Task<List<StatusHtml.CheckView>> ViewsAsync(IReadOnlyList<CheckStateRecord> checks, int results, CancellationToken ct)
    {
        var views = new List<StatusHtml.CheckView>(checks.Count);
        // A SQLite history that is not there yet is not created by a reader; a server's tables may be missing too (below).
        var db = sources.HistoryDb;
        var file = db is null || MonitorStoreFactory.IsServer(db) ? null
            : db.StartsWith("sqlite://", StringComparison.OrdinalIgnoreCase) ? db["sqlite://".Length..] : db;
        if (db is null || (file is not null && !File.Exists(file)))
        {
            views.AddRange(checks.Select(c => new StatusHtml.CheckView(c, [])));
            return views;
        }

        await using var store = MonitorStoreFactory.Open(db);
        foreach (var c in checks)
        {
            IReadOnlyList<StoredResult> recent;
            try
            {
                recent = await store.ResultsAsync(c.Id, results, ct);
            }
            catch (System.Data.Common.DbException)
            {
                recent = []; // no table yet, the file is not a history or the server is down: the states are still worth showing
            }

            views.Add(new StatusHtml.CheckView(c, recent));
        }

        return views;
    }
}
