/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef COMPRESSED_ROWS_H
#define COMPRESSED_ROWS_H

#include <cstdint>
#include <utility>
#include <vector>

namespace ns3
{

/**
 * \ingroup collectives
 * \brief Lists of numbers, one per row, kept in two flat arrays (compressed sparse rows): the
 *        dependencies of schedule transfers and program tasks, the members of groups, and their
 *        inverses (who waits for whom).
 */
class CompressedRows
{
  public:
    /// Append a row holding [first, last); returns its index.
    uint32_t Add(const uint32_t* first, const uint32_t* last)
    {
        m_items.insert(m_items.end(), first, last);
        m_first.push_back(static_cast<uint32_t>(m_items.size()));
        return static_cast<uint32_t>(m_first.size() - 2);
    }

    /**
     * \brief Make \p rows rows and file the items 0..items-1 under them, in item order:
     *        \p rowsOf(i, file) calls file(row) for every row item i belongs to.
     */
    template <typename F>
    void Group(uint32_t rows, uint32_t items, F rowsOf)
    {
        m_first.assign(rows + 1, 0);
        for (uint32_t i = 0; i < items; ++i)
        {
            rowsOf(i, [this](uint32_t row) { ++m_first[row + 1]; });
        }
        for (uint32_t r = 0; r < rows; ++r)
        {
            m_first[r + 1] += m_first[r];
        }
        m_items.assign(m_first.back(), 0);
        std::vector<uint32_t> fill(m_first.begin(), m_first.end() - 1);
        for (uint32_t i = 0; i < items; ++i)
        {
            rowsOf(i, [&](uint32_t row) { m_items[fill[row]++] = i; });
        }
    }

    /// Rows over the same numbers, each listing the rows whose lists hold its number (for
    /// dependencies: who waits for each).
    CompressedRows Inverse() const
    {
        CompressedRows inverse;
        inverse.Group(GetNRows(), GetNRows(), [this](uint32_t i, auto file) {
            auto [first, last] = Get(i);
            for (const uint32_t* item = first; item != last; ++item)
            {
                file(*item);
            }
        });
        return inverse;
    }

    uint32_t GetNRows() const
    {
        return static_cast<uint32_t>(m_first.size() - 1);
    }

    /// Row \p row: [first, last).
    std::pair<const uint32_t*, const uint32_t*> Get(uint32_t row) const
    {
        return {m_items.data() + m_first[row], m_items.data() + m_first[row + 1]};
    }

  private:
    std::vector<uint32_t> m_first{0}; //!< row r is m_items[m_first[r] .. m_first[r + 1])
    std::vector<uint32_t> m_items;
};

} // namespace ns3

#endif // COMPRESSED_ROWS_H
