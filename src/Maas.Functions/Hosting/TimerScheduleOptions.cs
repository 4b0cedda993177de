using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace Maas.Functions.Hosting;

/// <summary>
/// Timer schedules, read from top-level app settings because the host resolves them as
/// <c>%MetricsAggregationSchedule%</c> and <c>%ReconcileSchedule%</c> in the trigger attributes. Each is an NCRONTAB expression
/// with six fields (seconds first) or a TimeSpan.
/// </summary>
internal sealed class TimerScheduleOptions : IValidatableObject
{
    public const string MetricsAggregationScheduleSetting = nameof(MetricsAggregationSchedule);

    public const string ReconcileScheduleSetting = nameof(ReconcileSchedule);

    public string? MetricsAggregationSchedule { get; set; }

    public string? ReconcileSchedule { get; set; }

    private const int NcrontabFieldCount = 6;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var (setting, value) in new[] { (MetricsAggregationScheduleSetting, MetricsAggregationSchedule), (ReconcileScheduleSetting, ReconcileSchedule) })
        {
            if (!IsValidSchedule(value))
            {
                yield return new ValidationResult(
                    $"{setting} must be a six-field NCRONTAB expression such as '0 */5 * * * *' or a TimeSpan such as '00:05:00'; got '{value}'.",
                    [setting]);
            }
        }
    }

    public static bool IsValidSchedule(string? schedule)
    {
        if (string.IsNullOrWhiteSpace(schedule))
        {
            return false;
        }

        if (TimeSpan.TryParse(schedule, CultureInfo.InvariantCulture, out var interval))
        {
            return interval > TimeSpan.Zero;
        }

        var fields = schedule.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return fields.Length == NcrontabFieldCount && fields.All(field => field.All(c => char.IsAsciiLetterOrDigit(c) || c is '*' or '/' or ',' or '-'));
    }
}
