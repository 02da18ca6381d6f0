/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#include "flow-size-cdf.h"

#include "ns3/fabric-units.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <utility>

namespace ns3
{

namespace
{
/// A whitespace-separated field of a line and its 1-based column.
struct Field
{
    std::string text;
    int column;
};

/// The fields of \p line up to a '#' comment.
std::vector<Field>
SplitFields(const std::string& line)
{
    static const char* SPACE = " \t\r\v\f";
    std::string content = line.substr(0, line.find('#'));
    std::vector<Field> fields;
    std::size_t start = content.find_first_not_of(SPACE);
    while (start != std::string::npos)
    {
        std::size_t end = content.find_first_of(SPACE, start);
        std::size_t length = end == std::string::npos ? std::string::npos : end - start;
        fields.push_back(Field{content.substr(start, length), static_cast<int>(start) + 1});
        start = end == std::string::npos ? end : content.find_first_not_of(SPACE, end);
    }
    return fields;
}

/**
 * Read a cumulative probability written as a fraction ("0.53") or a percentage ("53%").
 * \return "" or what is wrong with \p text
 */
std::string
ParseCumulative(const std::string& text, double& value)
{
    bool percent = !text.empty() && text.back() == '%';
    std::string number = percent ? text.substr(0, text.size() - 1) : text;
    // Plain decimal notation only: strtod would also take "inf", "nan" and hexadecimal.
    bool plain =
        !number.empty() && number.find_first_not_of("0123456789.eE+-") == std::string::npos;
    char* end = nullptr;
    double parsed = plain ? std::strtod(number.c_str(), &end) : 0.0;
    if (!plain || end != number.c_str() + number.size() || !std::isfinite(parsed))
    {
        return "'" + text +
               "' is not a cumulative probability (a number in [0, 1] or a percentage such as 53%)";
    }
    if (parsed < 0)
    {
        return "cumulative probability " + text + " is below " + (percent ? "0%" : "0");
    }
    if (parsed > (percent ? 100.0 : 1.0))
    {
        return "cumulative probability " + text + " is above " + (percent ? "100%" : "1");
    }
    value = percent ? parsed / 100.0 : parsed;
    return "";
}
} // namespace

std::optional<FlowSizeCdf>
FlowSizeCdf::Load(const std::string& file, std::vector<Diagnostic>& diagnostics)
{
    std::error_code ec;
    if (std::filesystem::is_directory(file, ec))
    {
        diagnostics.push_back(Diagnostic{file, 0, 0, "", "is a directory, not a file"});
        return std::nullopt;
    }
    std::ifstream in(file);
    if (!in)
    {
        diagnostics.push_back(Diagnostic{file, 0, 0, "", "cannot open the file"});
        return std::nullopt;
    }
    std::stringstream text;
    text << in.rdbuf();
    return Parse(text.str(), file, diagnostics);
}

std::optional<FlowSizeCdf>
FlowSizeCdf::Parse(const std::string& text,
                   const std::string& file,
                   std::vector<Diagnostic>& diagnostics)
{
    std::size_t before = diagnostics.size();
    auto error = [&](int line, int column, const std::string& message) {
        diagnostics.push_back(Diagnostic{file, line, column, "", message});
    };

    std::vector<Point> points;
    int dataLines = 0;
    int firstLine = 0; // where the first point is, for a table that is too short
    int firstColumn = 0;
    // Each field is checked against the last valid field of its kind, so that one bad token
    // yields one diagnostic and the rest of the file is still checked.
    std::optional<Field> lastSize;
    uint64_t lastBytes = 0;
    std::optional<Field> lastCumulative;
    double lastProbability = 0;
    // The last data line's cumulative field, if it was valid: it must be 1.
    std::optional<std::pair<int, Field>> finalCumulative;

    std::istringstream lines(text);
    std::string line;
    for (int number = 1; std::getline(lines, line); ++number)
    {
        std::vector<Field> fields = SplitFields(line);
        if (fields.empty())
        {
            continue;
        }
        ++dataLines;
        if (firstLine == 0)
        {
            firstLine = number;
            firstColumn = fields[0].column;
        }
        finalCumulative.reset();
        if (fields.size() != 2)
        {
            // Point at the first extra field, or at the lone one.
            const Field& at = fields.size() > 2 ? fields[2] : fields[0];
            error(number,
                  at.column,
                  "expected SIZE CUMULATIVE, found " + std::to_string(fields.size()) +
                      (fields.size() == 1 ? " field" : " fields"));
            continue;
        }
        const Field& size = fields[0];
        const Field& cumulative = fields[1];

        uint64_t bytes = 0;
        std::string problem = fabric::ParseBytes(size.text, bytes);
        if (problem.empty() && bytes == 0)
        {
            problem = "sizes must be positive, not " + size.text;
        }
        if (problem.empty() && lastSize && bytes <= lastBytes)
        {
            problem = "sizes must increase: " + size.text + " after " + lastSize->text;
        }
        if (!problem.empty())
        {
            error(number, size.column, problem);
        }
        else
        {
            lastSize = size;
            lastBytes = bytes;
        }

        double probability = 0;
        bool sizeValid = problem.empty();
        problem = ParseCumulative(cumulative.text, probability);
        if (problem.empty() && lastCumulative && probability < lastProbability)
        {
            problem = "cumulative probabilities must not decrease: " + cumulative.text + " after " +
                      lastCumulative->text;
        }
        if (!problem.empty())
        {
            error(number, cumulative.column, problem);
            continue;
        }
        lastCumulative = cumulative;
        lastProbability = probability;
        finalCumulative = std::make_pair(number, cumulative);
        if (sizeValid)
        {
            points.push_back(Point{bytes, probability});
        }
    }

    if (dataLines < 2)
    {
        error(firstLine,
              firstColumn,
              "a flow-size CDF needs at least two points, found " +
                  (dataLines == 0 ? std::string("none") : std::string("one")));
    }
    else if (finalCumulative && lastProbability != 1.0)
    {
        error(finalCumulative->first,
              finalCumulative->second.column,
              "the last point must reach 1 (100%), not " + finalCumulative->second.text);
    }
    if (diagnostics.size() != before)
    {
        return std::nullopt;
    }
    return FlowSizeCdf(std::move(points));
}

FlowSizeCdf::FlowSizeCdf(std::vector<Point> points)
    : m_points(std::move(points))
{
    // A point mass at the first size, then uniform pieces: the mean adds each piece's mass
    // times its midpoint; the variance adds, by the law of total variance, each piece's
    // spread about the mean plus its own variance (width^2 / 12).
    const Point& first = m_points.front();
    m_mean = first.cumulative * static_cast<double>(first.bytes);
    for (std::size_t i = 1; i < m_points.size(); ++i)
    {
        double mass = m_points[i].cumulative - m_points[i - 1].cumulative;
        m_mean += mass * 0.5 * static_cast<double>(m_points[i - 1].bytes + m_points[i].bytes);
    }
    double offset = static_cast<double>(first.bytes) - m_mean;
    m_variance = first.cumulative * offset * offset;
    for (std::size_t i = 1; i < m_points.size(); ++i)
    {
        double mass = m_points[i].cumulative - m_points[i - 1].cumulative;
        double low = static_cast<double>(m_points[i - 1].bytes);
        double high = static_cast<double>(m_points[i].bytes);
        double centre = 0.5 * (low + high) - m_mean;
        m_variance += mass * (centre * centre + (high - low) * (high - low) / 12.0);
    }
}

double
FlowSizeCdf::Cdf(double bytes) const
{
    if (bytes < static_cast<double>(m_points.front().bytes))
    {
        return 0.0;
    }
    if (bytes >= static_cast<double>(m_points.back().bytes))
    {
        return 1.0;
    }
    // The first point above bytes; there is one before it since bytes >= the first size.
    auto above =
        std::upper_bound(m_points.begin(), m_points.end(), bytes, [](double b, const Point& p) {
            return b < static_cast<double>(p.bytes);
        });
    const Point& low = *(above - 1);
    double fraction =
        (bytes - static_cast<double>(low.bytes)) / static_cast<double>(above->bytes - low.bytes);
    return low.cumulative + fraction * (above->cumulative - low.cumulative);
}

uint64_t
FlowSizeCdf::Quantile(double u) const
{
    u = u > 0 ? std::min(u, 1.0) : 0.0; // NaN too becomes 0
    const Point& first = m_points.front();
    if (first.cumulative > 0 && u <= first.cumulative)
    {
        return first.bytes; // the point mass
    }
    std::vector<Point>::const_iterator high;
    if (u == 0)
    {
        // No point mass: the lower end of the first piece that has probability.
        high =
            std::upper_bound(m_points.begin(), m_points.end(), 0.0, [](double v, const Point& p) {
                return v < p.cumulative;
            });
    }
    else
    {
        // The first point reaching u; the piece before it holds u and has positive mass.
        high = std::lower_bound(m_points.begin(), m_points.end(), u, [](const Point& p, double v) {
            return p.cumulative < v;
        });
    }
    const Point& low = *(high - 1);
    double fraction = (u - low.cumulative) / (high->cumulative - low.cumulative);
    double bytes =
        static_cast<double>(low.bytes) + fraction * static_cast<double>(high->bytes - low.bytes);
    auto rounded = static_cast<uint64_t>(std::round(bytes));
    return std::clamp(rounded, low.bytes, high->bytes);
}

uint64_t
FlowSizeCdf::Sample(Ptr<UniformRandomVariable> u) const
{
    // Explicit bounds: the stream's own Min and Max attributes may have been changed.
    return Quantile(u->GetValue(0.0, 1.0));
}

} // namespace ns3
