/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef VECTOR_QUEUE_H
#define VECTOR_QUEUE_H

#include <cstddef>
#include <vector>

namespace ns3
{

/**
 * \ingroup fabric-net
 * \brief A first-in first-out queue in one vector: nothing allocated until the first push
 *        (a std::deque allocates about 600 bytes when made), and no more than the most it
 *        held. For the millions of queue pairs of a large fabric, most of them idle.
 *
 * Popping moves a head index; the vector empties when the queue does and drops its popped
 * front once that is half of it, so each item is moved at most a bounded number of times on
 * average. Pushing and popping may move the items: a reference to one lasts until the next
 * of either. The capacity stays what the longest queue needed.
 */
template <typename T>
class VectorQueue
{
  public:
    using iterator = typename std::vector<T>::iterator;
    using const_iterator = typename std::vector<T>::const_iterator;

    bool empty() const
    {
        return m_head == m_items.size();
    }

    std::size_t size() const
    {
        return m_items.size() - m_head;
    }

    T& front()
    {
        return m_items[m_head];
    }

    const T& front() const
    {
        return m_items[m_head];
    }

    void push_back(T item)
    {
        m_items.push_back(std::move(item));
    }

    void pop_front()
    {
        if (++m_head == m_items.size())
        {
            clear();
        }
        else if (m_head >= MIN_COMPACT && 2 * m_head >= m_items.size())
        {
            m_items.erase(m_items.begin(), m_items.begin() + m_head);
            m_head = 0;
        }
    }

    void clear()
    {
        m_items.clear();
        m_head = 0;
    }

    iterator begin()
    {
        return m_items.begin() + m_head;
    }

    iterator end()
    {
        return m_items.end();
    }

    const_iterator begin() const
    {
        return m_items.begin() + m_head;
    }

    const_iterator end() const
    {
        return m_items.end();
    }

  private:
    /// A front shorter than this stays until the queue empties (short queues never move).
    static constexpr std::size_t MIN_COMPACT = 16;

    std::vector<T> m_items;
    std::size_t m_head{0};
};

} // namespace ns3

#endif // VECTOR_QUEUE_H
